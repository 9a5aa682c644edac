/**
 * The words of campaign nudges: the reminder itself (personal: first name, what is missing, days left; in the
 * stage's tone) and the answers to "Remind me later". Buttons: start now (into the guide step that fixes the
 * first thing missing), snooze while any are left, I need help (from where the user is in the guide), and
 * I've done it (a live check).
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { CardButton } from '../../cards/renderCards';
import type { GuideProgress } from '../../domain/guide/progress';
import type { HomeHint } from '../../domain/campaign/windowHint';
import type { Tone } from '../../domain/policy/campaignPolicy';
import { formatLongDate } from '../../domain/policy/localDate';
import type { Reason, RegistrationEvaluation } from '../../domain/registration/evaluateRegistration';
import { answer, continueButton, helpButton } from '../shared/answerCards';
import { Verb } from '../verbs';
import { schoolAddressText, schoolName, shortUrl, type ViewContext } from '../shared/wording';

/** Everything a nudge says, decided by the campaign worker. */
export interface NudgeView {
  campaignId: string;
  /** The ledger key of this nudge (`d7`, `d7+s1`): a snooze names it. */
  nudge: string;
  tone: Tone;
  evaluation: RegistrationEvaluation;
  progress?: GuideProgress;
  snoozesLeft: number;
  snoozeHours: number;
  /** Sent outside school hours, at home: when to do it (from the window it arrives in). */
  hint?: HomeHint;
}

const DONE_IT: CardButton = { title: "I've done it ✔", data: { verb: Verb.Ask, intent: 'done' } };

/** What is missing, in a few words, for the fact line. */
function missingText(reason: Reason | undefined): string {
  switch (reason?.code) {
    case 'nothingRegistered':
      return 'Everything: not started';
    case 'noFirstMethod':
      return 'A way to approve sign-ins';
    case 'emailOnSchoolDomain':
      return 'A personal email (not school)';
    case 'secondMethodMissing':
      return 'A second method';
    case 'phoneOnly':
      return 'The Authenticator app';
    case 'questionsOnlySecond':
      return 'A personal email';
    default:
      return 'A last check';
  }
}

function daysLeftText(days: number): string {
  if (days <= 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days`;
}

function heading(tone: Tone, name: string | undefined, days: number): string {
  const hi = name ? `, ${name}` : '';
  switch (tone) {
    case 'friendly':
      return `Hi${hi} 👋 Time to secure your account`;
    case 'reminder':
      return `Reminder${hi}: ${days} days left`;
    case 'urgent':
      return days <= 1 ? `⚠️ Last chance${hi}: ${daysLeftText(days)}` : `⚠️ Only ${days} days left${hi}`;
    case 'final':
      return days <= 0 ? `⚠️ Today's the day${hi}` : `⚠️ ${days} days left${hi}`;
  }
}

function startButton(evaluation: RegistrationEvaluation, progress: GuideProgress | undefined): CardButton {
  const first = evaluation.reasons.find((r) => r.blocking);
  if (!first || (first.code === 'nothingRegistered' && progress && progress.step !== 'welcome')) {
    return { ...continueButton(progress), title: 'Start now ▶' };
  }
  return {
    title: 'Start now ▶',
    data: evaluation.first
      ? { verb: Verb.StatusFix, step: first.fixStep, first: evaluation.first }
      : { verb: Verb.StatusFix, step: first.fixStep },
  };
}

/** The line that tells a pupil nudged at home to do it there, now: their phone is with them. */
export function hintText(hint: HomeHint): string {
  const when = { morning: 'this morning', evening: 'this evening', today: 'today' }[hint];
  return `📱 Do it at home ${when}, with your phone.`;
}

function snoozeTitle(hours: number): string {
  return hours === 24 ? 'Remind me tomorrow' : hours < 24 ? `Remind me in ${hours} hours` : 'Remind me later';
}

/** The reminder. */
export function nudgeCard(view: NudgeView, ctx: ViewContext): AdaptiveCardJson {
  const date = ctx.policy.registration.enforcementDate;
  const days = Math.max(0, daysBetweenDates(ctx.today, date));
  const blocking = view.evaluation.reasons.filter((r) => r.blocking);
  const started = !blocking.some((r) => r.code === 'nothingRegistered');
  const paragraphs = [
    !started
      ? `You haven't set up your sign-in check yet. It takes about 10 minutes and I'll help you, step by step.`
      : blocking[0]?.code === 'emailOnSchoolDomain'
        ? `Your second method is your school email (${schoolAddressText(ctx.policy)}). You can't read it when you're locked out, so change it to a **personal** email.`
        : `You've made a start, but your account isn't fully set up yet.`,
    ...(view.hint ? [hintText(view.hint)] : []),
    days <= 0
      ? `From **today**, signing in to ${schoolName(ctx.policy)} from outside school needs it.`
      : `From **${formatLongDate(date)}**, signing in from outside school needs it.`,
  ];
  const actions: CardButton[] = [startButton(view.evaluation, view.progress)];
  if (view.snoozesLeft > 0) {
    actions.push({
      title: snoozeTitle(view.snoozeHours),
      data: { verb: Verb.NudgeSnooze, campaign: view.campaignId, nudge: view.nudge },
    });
  }
  actions.push(helpButton(view.progress?.step ?? 'welcome'), DONE_IT);
  return answer({
    heading: heading(view.tone, ctx.firstName, days),
    paragraphs,
    facts: [
      { title: 'Still to do', value: missingText(blocking[0]) },
      { title: 'Deadline', value: days <= 0 ? 'Today' : `${days === 1 ? '1 day' : `${days} days`} left` },
    ],
    tips: [
      {
        text: `You can also do it yourself at **${shortUrl(ctx.policy.registration.url)}**.`,
        style: 'emphasis',
      },
    ],
    actions,
  });
}

/** "Remind me later" worked. */
export function snoozedCard(
  until: Date,
  snoozesLeft: number,
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  return answer({
    heading: "OK, I'll remind you later ⏰",
    paragraphs: [
      `I'll message you again ${whenText(until, ctx)}.`,
      snoozesLeft > 0
        ? `You can put it off ${snoozesLeft === 1 ? 'once more' : `${snoozesLeft} more times`}.`
        : "That was your last snooze: next time there won't be one.",
    ],
    actions: [
      { ...continueButton(progress), title: 'Do it now instead ▶' },
      helpButton(progress?.step ?? 'welcome'),
    ],
  });
}

/** "Remind me later" cannot be done: no snoozes left, or the campaign is over. */
export function cannotSnoozeCard(
  reason: 'noneLeft' | 'over',
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  return answer({
    heading: reason === 'noneLeft' ? "You can't put it off again" : 'No reminder to put off',
    paragraphs:
      reason === 'noneLeft'
        ? [
            "You've used all your snoozes. It only takes about 10 minutes, so let's do it now.",
            `Stuck? IT Support is in room ${ctx.policy.support.room}.`,
          ]
        : ['That reminder has finished. You can still set things up any time.'],
    actions: [
      { ...continueButton(progress), title: 'Start now ▶' },
      helpButton(progress?.step ?? 'welcome'),
      DONE_IT,
    ],
  });
}

function daysBetweenDates(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);
}

const whenFormat = new Map<string, Intl.DateTimeFormat>();

/** "on Monday at 8:30am" / "today at 2pm", in the school's zone. */
function whenText(at: Date, ctx: ViewContext): string {
  const zone = ctx.policy.school.timeZone;
  let f = whenFormat.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'long',
      hour: 'numeric',
      minute: '2-digit',
      hour12: true,
    });
    whenFormat.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const minute = parts.minute === '00' ? '' : `:${parts.minute}`;
  const time = `${parts.hour}${minute}${(parts.dayPeriod ?? '').toLowerCase().replace(/\s/g, '')}`;
  const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(at);
  return localDay === ctx.today ? `today at ${time}` : `on ${parts.weekday} at ${time}`;
}
