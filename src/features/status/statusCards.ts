/**
 * The words of the status cards: what Microsoft says a user has registered, checked against the school's
 * policy, and exactly what to do next (each reason a button into the guide step that fixes it).
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { renderStatusCard, type CardButton, type CardTip } from '../../cards/renderCards';
import type { GuideProgress } from '../../domain/guide/progress';
import type { StepId } from '../../domain/guide/steps';
import type { FamilyState, RegistrationEvaluation } from '../../domain/registration/evaluateRegistration';
import type { RegistrationSnapshot } from '../../domain/registration/snapshot';
import type { MethodFamily } from '../../domain/registration/methods';
import { answer, continueButton, helpButton } from '../shared/answerCards';
import { fixButton, reasonText } from './reasonWords';
import { Verb } from '../verbs';
import { dateText, deadlineText, shortUrl, type ViewContext } from '../shared/wording';

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
          ? 'I checked with Microsoft: your account has two ways to check it is you. You can say yes to sign-ins and reset your own password.'
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
    fixes.push(fixButton(reason, e));
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
