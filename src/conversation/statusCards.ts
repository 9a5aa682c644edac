/**
 * The words of the status cards: what Microsoft says a user has registered, checked against the school's
 * policy, and exactly what to do next (each reason a button into the guide step that fixes it).
 */
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import { renderStatusCard, type CardButton, type CardTip } from '../cards/renderCards';
import type { GuideProgress } from '../domain/guide/progress';
import type { StepId } from '../domain/guide/steps';
import type {
  FamilyState,
  Reason,
  RegistrationEvaluation,
} from '../domain/registration/evaluateRegistration';
import type { RegistrationSnapshot } from '../domain/registration/snapshot';
import type { MethodFamily } from '../domain/registration/methods';
import { answer, continueButton, helpButton } from './answerCards';
import { Verb } from './verbs';
import { dateText, deadlineText, schoolAddressText, shortUrl, type ViewContext } from './wording';

const DONE_IT: CardButton = { title: "I've done it ✔", data: { verb: Verb.Ask, intent: 'done' } };
const CHECK_AGAIN: CardButton = { title: 'Check my status', data: { verb: Verb.Ask, intent: 'status' } };

const FAMILY_NAMES: Record<MethodFamily, string> = {
  app: 'Microsoft Authenticator app',
  phone: 'Phone (text or call)',
  email: 'Personal email',
  questions: 'Security questions',
  passkey: 'Passkey',
  other: 'Security key, token or Windows Hello',
};

function familyLine(f: FamilyState): string {
  const name = `**${FAMILY_NAMES[f.family]}**`;
  if (f.state === 'missing') return `⬜ ${name}: not set up`;
  if (f.state === 'notCounted') {
    switch (f.note) {
      case 'schoolAddress':
        return `❌ **Email**: a school address, which doesn't count`;
      case 'stopped':
        return `❌ ${name}: set up, but no longer works for this`;
      default:
        return `❌ ${name}: set up, but the school doesn't accept it`;
    }
  }
  switch (f.note) {
    case 'endsOn':
      return `✅ ${name}: set up (works until ${dateText(f.until!)})`;
    case 'unchecked':
      return `✅ **Email**: set up`;
    case 'signInOnly':
      return `✅ ${name}: set up (for signing in, not for password reset)`;
    default:
      return `✅ ${name}: set up`;
  }
}

/** What to do about a reason, in plain words. */
function reasonText(reason: Reason, ctx: ViewContext): string {
  switch (reason.code) {
    case 'nothingRegistered':
      return "You haven't set anything up yet. It takes about 10 minutes and I'll help you.";
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
        ? `Your second method is security questions. They stop working for password reset on **${dateText(reason.until)}**. Add a **personal email** instead.`
        : 'Your second method is security questions. The school asks you to add a **personal email** instead.';
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

/** "just now", "25 minutes ago", "3 hours ago", "2 days ago". */
function ago(iso: string, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 60_000));
  if (minutes < 2) return 'just now';
  if (minutes < 90) return `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} hours ago`;
  return `${Math.round(hours / 24)} days ago`;
}

function updatedLine(snapshot: RegistrationSnapshot, now: Date): string {
  if (snapshot.source === 'live') return `Checked with Microsoft ${ago(snapshot.asOf, now)}.`;
  return `From Microsoft's report, updated ${ago(snapshot.asOf, now)}. Changes take a few hours to show here: just done something? Tap **I've done it**.`;
}

export interface StatusView {
  evaluation: RegistrationEvaluation;
  snapshot: RegistrationSnapshot;
  /** True right after a live check the user asked for ("I've done it"). */
  afterCheck: boolean;
  progress?: GuideProgress;
  now: Date;
}

/** The status card: ticks and crosses, MFA and SSPR, what to do next, how fresh the data is. */
export function statusCard(view: StatusView, ctx: ViewContext): AdaptiveCardJson {
  const { evaluation: e, snapshot, afterCheck } = view;
  const blocking = e.reasons.filter((r) => r.blocking);
  const notes = e.reasons.filter((r) => !r.blocking);
  const started = !e.reasons.some((r) => r.code === 'nothingRegistered');
  const heading = e.complete
    ? afterCheck
      ? "🎉 You're done!"
      : "You're all set ✅"
    : afterCheck
      ? 'Not quite done yet'
      : started
        ? 'Not finished yet'
        : "You haven't started yet";
  const paragraphs = e.complete
    ? [
        afterCheck
          ? 'I checked with Microsoft: your account has two ways to check it is you. You can approve sign-ins and reset your own password.'
          : 'Your account has two ways to check it is you.',
      ]
    : [
        afterCheck
          ? "I checked with Microsoft just now. Here's what's left:"
          : "Here's what Microsoft has for you:",
      ];
  const fixes: CardButton[] = [];
  for (const reason of blocking) {
    if (
      fixes.length >= 2 ||
      fixes.some((b) => b.data.verb === Verb.StatusFix && b.data.step === reason.fixStep)
    )
      continue;
    fixes.push({ title: FIX_TITLES[reason.code], data: fixData(reason.fixStep, e) });
  }
  const stuckFrom: StepId = view.progress?.step ?? 'welcome';
  const actions: CardButton[] = e.complete
    ? [
        { title: 'What happens now? ▶', data: { verb: Verb.StatusFix, step: 'afterwards' } },
        { title: 'Got a new phone', data: { verb: Verb.Ask, intent: 'newPhone' } },
        helpButton('afterwards'),
      ]
    : [...fixes, DONE_IT, helpButton(stuckFrom)];
  const tips: CardTip[] = notes.map((r) => ({ text: reasonText(r, ctx), style: 'emphasis' }));
  if (e.complete && !afterCheck && snapshot.source === 'report') {
    tips.push({
      text: `To see or change your methods, go to **${shortUrl(ctx.policy.registration.url)}**.`,
      style: 'good',
    });
  }
  const nextSteps = blocking.map((r, i) => ({ n: i + 1, text: reasonText(r, ctx) }));
  const methods = e.families.map(familyLine);
  const updated = updatedLine(snapshot, view.now);
  return renderStatusCard({
    heading,
    paragraphs,
    methods,
    facts: [
      { title: 'Sign-in check (MFA)', value: e.mfaReady ? '✅ Ready' : '❌ Not yet' },
      { title: 'Password reset (SSPR)', value: e.ssprReady ? '✅ Ready' : '❌ Not yet' },
      ...(e.complete ? [] : [{ title: 'Deadline', value: deadlineText(ctx.policy, ctx.today) }]),
    ],
    nextStepsHeading: 'What to do next',
    nextSteps,
    tips,
    updated,
    actions,
    fallbackText: [
      heading,
      ...paragraphs,
      ...methods,
      ...nextSteps.map((s) => `${s.n}. ${s.text}`),
      updated,
    ].join('\n'),
  });
}

function fixData(step: StepId, e: RegistrationEvaluation): CardButton['data'] {
  return e.first ? { verb: Verb.StatusFix, step, first: e.first } : { verb: Verb.StatusFix, step };
}

/** Said when Graph is busy: the answer will follow as a message. */
export function checkingCard(kind: 'status' | 'done', progress: GuideProgress | undefined): AdaptiveCardJson {
  return answer({
    heading: 'Checking with Microsoft… ⏳',
    paragraphs: [
      kind === 'done'
        ? "Lots of people are checking right now. I'll message you here in a minute or two with the result."
        : "Lots of people are asking right now. I'll message you here with your status in a minute or two.",
      "You don't need to wait here.",
    ],
    actions: [continueButton(progress), helpButton(progress?.step ?? 'welcome')],
  });
}

/** Said when Graph could not be reached (after retries). */
export function statusUnavailableCard(
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  return answer({
    heading: "I couldn't check with Microsoft just now",
    paragraphs: [
      'Please try again in a few minutes.',
      progress && progress.step !== 'welcome'
        ? 'In the meantime you can carry on with the steps.'
        : `You can still set things up at **${shortUrl(ctx.policy.registration.url)}**.`,
    ],
    actions: [CHECK_AGAIN, continueButton(progress), helpButton(progress?.step ?? 'welcome')],
  });
}

/** Said when Microsoft does not know the account (brand new, or not in this tenant). */
export function unknownAccountCard(progress: GuideProgress | undefined): AdaptiveCardJson {
  return answer({
    heading: "I couldn't find your account at Microsoft",
    paragraphs: [
      "If you've just joined the school, your account may be too new. Try again tomorrow.",
      'Still not working? IT Support can check it for you.',
    ],
    actions: [continueButton(progress), helpButton(progress?.step ?? 'welcome')],
  });
}
