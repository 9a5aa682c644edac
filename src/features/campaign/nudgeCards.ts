/**
 * The words of campaign nudges: the reminder itself (personal: first name, what is missing, days left; in the
 * stage's tone) and the answers to "Remind me later", in the user's language (`ctx.t`). Buttons: start now
 * (into the guide step that fixes the first thing missing), snooze while any are left, I need help (from where
 * the user is in the guide), and I've done it (a live check).
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { CardButton } from '../../cards/renderCards';
import type { GuideProgress } from '../../domain/guide/progress';
import type { HomeHint } from '../../domain/campaign/windowHint';
import type { Tone } from '../../domain/policy/campaignPolicy';
import { daysBetween } from '../../domain/policy/localDate';
import type { Reason, RegistrationEvaluation } from '../../domain/registration/evaluateRegistration';
import { BASE_LOCALE } from '../../i18n/catalogue';
import type { Translator } from '../../i18n/translator';
import { answer, continueButton, helpButton } from '../shared/answerCards';
import { inDirectionOf } from '../shared/direction';
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

function doneButton(t: Translator): CardButton {
  return { title: t('status.button.done'), data: { verb: Verb.Ask, intent: 'done' } };
}

/** The reasons the fact line has words for; any other is "a last check". */
const MISSING: ReadonlySet<string> = new Set([
  'nothingRegistered',
  'noFirstMethod',
  'emailOnSchoolDomain',
  'secondMethodMissing',
  'phoneOnly',
  'questionsOnlySecond',
]);

/** What is missing, in a few words, for the fact line. */
function missingText(reason: Reason | undefined, t: Translator): string {
  const code = reason && MISSING.has(reason.code) ? reason.code : 'other';
  return t(`campaign.nudge.missing.${code}`);
}

function heading(tone: Tone, name: string | undefined, days: number, t: Translator): string {
  const who = { named: name ? 'yes' : 'no', name: name ?? '', days };
  switch (tone) {
    case 'friendly':
      return t('campaign.nudge.heading.friendly', who);
    case 'reminder':
      return t('campaign.nudge.heading.reminder', who);
    case 'urgent':
      return t(days <= 1 ? 'campaign.nudge.heading.lastChance' : 'campaign.nudge.heading.onlyDaysLeft', who);
    case 'final':
      return t(days <= 0 ? 'campaign.nudge.heading.today' : 'campaign.nudge.heading.daysLeft', who);
  }
}

function startButton(
  evaluation: RegistrationEvaluation,
  progress: GuideProgress | undefined,
  t: Translator,
): CardButton {
  const title = t('campaign.button.start');
  const first = evaluation.reasons.find((r) => r.blocking);
  if (!first || (first.code === 'nothingRegistered' && progress && progress.step !== 'welcome')) {
    return { ...continueButton(progress, t), title };
  }
  return {
    title,
    data: evaluation.first
      ? { verb: Verb.StatusFix, step: first.fixStep, first: evaluation.first }
      : { verb: Verb.StatusFix, step: first.fixStep },
  };
}

/** The line that tells a pupil nudged at home to do it there, now: their phone is with them. */
function hintText(hint: HomeHint, t: Translator): string {
  return t('campaign.nudge.hint', { when: hint });
}

function snoozeTitle(hours: number, t: Translator): string {
  if (hours === 24) return t('campaign.button.snoozeTomorrow');
  return hours < 24 ? t('campaign.button.snoozeHours', { count: hours }) : t('campaign.button.snoozeLater');
}

/** The reminder. */
export function nudgeCard(view: NudgeView, ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const date = ctx.policy.registration.enforcementDate;
  const days = Math.max(0, daysBetween(ctx.today, date));
  const blocking = view.evaluation.reasons.filter((r) => r.blocking);
  const started = !blocking.some((r) => r.code === 'nothingRegistered');
  const paragraphs = [
    !started
      ? t('campaign.nudge.notStarted')
      : blocking[0]?.code === 'emailOnSchoolDomain'
        ? t('campaign.nudge.schoolEmail', { schoolAddress: schoolAddressText(ctx.policy, t) })
        : t('campaign.nudge.started'),
    ...(view.hint ? [hintText(view.hint, t)] : []),
    days <= 0
      ? t('campaign.nudge.fromToday', { school: schoolName(ctx.policy) })
      : t('campaign.nudge.fromDate', { date: t.longDate(date) }),
  ];
  const actions: CardButton[] = [startButton(view.evaluation, view.progress, t)];
  if (view.snoozesLeft > 0) {
    actions.push({
      title: snoozeTitle(view.snoozeHours, t),
      data: { verb: Verb.NudgeSnooze, campaign: view.campaignId, nudge: view.nudge },
    });
  }
  actions.push(helpButton(view.progress?.step ?? 'welcome', t), doneButton(t));
  const card = answer({
    heading: heading(view.tone, ctx.firstName, days, t),
    paragraphs,
    facts: [
      { title: t('campaign.nudge.fact.toDo'), value: missingText(blocking[0], t) },
      { title: t('shared.deadline'), value: t('campaign.nudge.fact.daysLeft', { days }) },
    ],
    tips: [
      {
        text: t('campaign.nudge.tip', { url: shortUrl(ctx.policy.registration.url) }),
        style: 'emphasis',
      },
    ],
    actions,
  });
  return inDirectionOf(card, t);
}

/** "Remind me later" worked. */
export function snoozedCard(
  until: Date,
  snoozesLeft: number,
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: t('campaign.snoozed.heading'),
    paragraphs: [
      whenText(until, ctx),
      snoozesLeft > 0 ? t('campaign.snoozed.left', { count: snoozesLeft }) : t('campaign.snoozed.last'),
    ],
    actions: [
      { ...continueButton(progress, t), title: t('campaign.button.doNow') },
      helpButton(progress?.step ?? 'welcome', t),
    ],
  });
  return inDirectionOf(card, t);
}

/** "Remind me later" cannot be done: no snoozes left, or the campaign is over. */
export function cannotSnoozeCard(
  reason: 'noneLeft' | 'over',
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: t(`campaign.cannotSnooze.${reason}.heading`),
    paragraphs:
      reason === 'noneLeft'
        ? [
            t('campaign.cannotSnooze.noneLeft.body'),
            t('campaign.cannotSnooze.noneLeft.stuck', { room: ctx.policy.support.room }),
          ]
        : [t('campaign.cannotSnooze.over.body')],
    actions: [
      { ...continueButton(progress, t), title: t('campaign.button.start') },
      helpButton(progress?.step ?? 'welcome', t),
      doneButton(t),
    ],
  });
  return inDirectionOf(card, t);
}

const whenFormat = new Map<string, { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

/** The weekday and the time of `at` on the school's clock, in `locale`. */
function formatsFor(locale: string, zone: string): { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat } {
  const key = `${locale} ${zone}`;
  let f = whenFormat.get(key);
  if (!f) {
    f = {
      day: new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: 'long' }),
      // English writes "8:30am", as the bot always has; other languages their own way ("8:30", "16:00").
      time: new Intl.DateTimeFormat(locale, {
        timeZone: zone,
        hour: 'numeric',
        minute: '2-digit',
        ...(locale === BASE_LOCALE ? { hour12: true } : {}),
      }),
    };
    whenFormat.set(key, f);
  }
  return f;
}

/** "I'll message you again on Monday at 8:30am" / "… today at 2pm", on the school's clock. */
function whenText(at: Date, ctx: ViewContext): string {
  const { t } = ctx;
  const zone = ctx.policy.school.timeZone;
  const f = formatsFor(t.locale, zone);
  let time = f.time.format(at);
  if (t.locale === BASE_LOCALE) {
    const parts = Object.fromEntries(f.time.formatToParts(at).map((p) => [p.type, p.value]));
    const minute = parts.minute === '00' ? '' : `:${parts.minute}`;
    time = `${parts.hour}${minute}${(parts.dayPeriod ?? '').toLowerCase().replace(/\s/g, '')}`;
  }
  const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(at);
  return localDay === ctx.today
    ? t('campaign.snoozed.today', { time })
    : t('campaign.snoozed.onDay', { day: f.day.format(at), time });
}
