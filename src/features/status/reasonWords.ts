/**
 * What to do about each reason the school's check gives (src/domain/registration/evaluateRegistration.ts), in
 * plain words and as a button into the guide: shared by the status card and the guide's last step.
 */
import type { CardButton } from '../../cards/renderCards';
import type { Reason, RegistrationEvaluation } from '../../domain/registration/evaluateRegistration';
import { Verb } from '../verbs';
import { dateText, schoolAddressText, type ViewContext } from '../shared/wording';

/** What to do about a reason, in plain words. */
export function reasonText(reason: Reason, ctx: ViewContext): string {
  switch (reason.code) {
    case 'nothingRegistered':
      return "You have not set up a thing yet. It takes about 10 minutes and I'll help you.";
    case 'noFirstMethod':
      return ctx.methods.phone
        ? 'Add a way to approve sign-ins: the **Microsoft Authenticator app** (best) or a phone.'
        : 'Add the **Microsoft Authenticator app** to approve sign-ins. No smartphone? IT Support can help.';
    case 'emailOnSchoolDomain':
      return `Your email method is a school address (${schoolAddressText(ctx.policy)}). When you're locked out you can't read it, so change it to a **personal** email.`;
    case 'secondMethodMissing':
      return "You have one method. Add a **second** one, so you're never locked out.";
    case 'phoneOnly':
      return `You only use texts or calls, and they stop working on **${dateText(reason.until!)}**. Add the **Microsoft Authenticator app** before then.`;
    case 'questionsOnlySecond':
      return reason.until
        ? `You chose questions as your second way in. They stop working for password reset on **${dateText(reason.until)}**. Add a **personal email** instead.`
        : 'You chose questions as your second way in. The school asks you to add a **personal email** instead.';
    case 'emailUnchecked':
      return "I'll check your email isn't a school address when you tap **I've done it**.";
  }
}

const FIX_TITLES: Record<Reason['code'], string> = {
  nothingRegistered: 'Start setting up ▶',
  noFirstMethod: 'Set up a sign-in method ▶',
  emailOnSchoolDomain: 'Change my email ▶',
  secondMethodMissing: 'Add a second method ▶',
  phoneOnly: 'Add the app ▶',
  questionsOnlySecond: 'Add an email ▶',
  emailUnchecked: 'Email steps',
};

/** The button that takes the user to the guide step that fixes `reason`. */
export function fixButton(reason: Reason, e: Pick<RegistrationEvaluation, 'first'>): CardButton {
  const step = reason.fixStep;
  return {
    title: FIX_TITLES[reason.code],
    data: e.first ? { verb: Verb.StatusFix, step, first: e.first } : { verb: Verb.StatusFix, step },
  };
}
