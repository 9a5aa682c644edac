/**
 * What to do about each reason the school's check gives (src/domain/registration/evaluateRegistration.ts), in
 * plain words and as a button into the guide: shared by the status card and the guide's last step. Every word
 * comes from the user's catalogue (`status.reason.*`, `status.fix.*`).
 */
import type { CardButton } from '../../cards/renderCards';
import type { Reason, RegistrationEvaluation } from '../../domain/registration/evaluateRegistration';
import { Verb } from '../verbs';
import { schoolAddressText, type ViewContext } from '../shared/wording';

/** What to do about a reason, in plain words. */
export function reasonText(reason: Reason, ctx: ViewContext): string {
  const { t } = ctx;
  switch (reason.code) {
    case 'nothingRegistered':
      return t('status.reason.nothingRegistered');
    case 'noFirstMethod':
      return t('status.reason.noFirstMethod', { phone: ctx.methods.phone ? 'yes' : 'no' });
    case 'emailOnSchoolDomain':
      return t('status.reason.emailOnSchoolDomain', { schoolAddress: schoolAddressText(ctx.policy, t) });
    case 'secondMethodMissing':
      return t('status.reason.secondMethodMissing');
    case 'phoneOnly':
      return t('status.reason.phoneOnly', { until: t.shortDate(reason.until!) });
    case 'questionsOnlySecond':
      return reason.until
        ? t('status.reason.questionsOnlySecondUntil', { until: t.shortDate(reason.until) })
        : t('status.reason.questionsOnlySecond');
    case 'emailUnchecked':
      return t('status.reason.emailUnchecked');
  }
}

/** The button that takes the user to the guide step that fixes `reason`. */
export function fixButton(
  reason: Reason,
  e: Pick<RegistrationEvaluation, 'first'>,
  ctx: ViewContext,
): CardButton {
  const step = reason.fixStep;
  return {
    title: ctx.t(`status.fix.${reason.code}`),
    data: e.first ? { verb: Verb.StatusFix, step, first: e.first } : { verb: Verb.StatusFix, step },
  };
}
