/**
 * The words of the status cards: what Microsoft says a user has registered, checked against the school's
 * policy, and exactly what to do next (each reason a button into the guide step that fixes it). Every word
 * comes from the user's catalogue (`status.*`); right-to-left languages get cards laid out for them.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { renderStatusCard, type CardButton, type CardTip } from '../../cards/renderCards';
import type { GuideProgress } from '../../domain/guide/progress';
import type { StepId } from '../../domain/guide/steps';
import { daysBetween } from '../../domain/policy/localDate';
import type { FamilyState, RegistrationEvaluation } from '../../domain/registration/evaluateRegistration';
import type { RegistrationSnapshot } from '../../domain/registration/snapshot';
import type { Translator } from '../../i18n/translator';
import { answer, continueButton, helpButton } from '../shared/answerCards';
import { inDirectionOf } from '../shared/direction';
import { fixButton, reasonText } from './reasonWords';
import { Verb } from '../verbs';
import { shortUrl, type ViewContext } from '../shared/wording';

function doneItButton(t: Translator): CardButton {
  return { title: t('status.button.done'), data: { verb: Verb.Ask, intent: 'done' } };
}

function checkAgainButton(t: Translator): CardButton {
  return { title: t('buttons.checkStatus'), data: { verb: Verb.Ask, intent: 'status' } };
}

/** The status card's buttons at most, the language one included (Teams advises 1–3; more crowds a phone). */
const MAX_STATUS_ACTIONS = 4;

/** The way to another language, on the card a pupil sees most. */
function languageButton(t: Translator): CardButton {
  return { title: t('buttons.language'), data: { verb: Verb.LanguageShow } };
}

function familyLine(f: FamilyState, t: Translator): string {
  const name = t(`status.family.${f.family}`);
  if (f.state === 'missing') return t('status.method.missing', { name });
  if (f.state === 'notCounted') {
    switch (f.note) {
      case 'schoolAddress':
        return t('status.method.schoolAddress');
      case 'stopped':
        return t('status.method.stopped', { name });
      default:
        return t('status.method.notAccepted', { name });
    }
  }
  switch (f.note) {
    case 'endsOn':
      return t('status.method.endsOn', { name, until: t.shortDate(f.until!) });
    case 'unchecked':
      return t('status.method.emailSetUp');
    case 'signInOnly':
      return t('status.method.signInOnly', { name });
    default:
      return t('status.method.setUp', { name });
  }
}

/** "just now", "25 minutes ago", "3 hours ago", "2 days ago". */
function ago(iso: string, now: Date, t: Translator): string {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 60_000));
  if (minutes < 2) return t('status.ago.justNow');
  if (minutes < 90) return t('status.ago.minutes', { count: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 36) return t('status.ago.hours', { count: hours });
  return t('status.ago.days', { count: Math.round(hours / 24) });
}

function updatedLine(snapshot: RegistrationSnapshot, now: Date, t: Translator): string {
  const when = ago(snapshot.asOf, now, t);
  return snapshot.source === 'live'
    ? t('status.updated.live', { ago: when })
    : t('status.updated.report', { ago: when });
}

/** "Monday 11 January 2027 (45 days to go)" / "(today)" / "(it has passed)", in the user's language. */
function deadlineValue(ctx: ViewContext): string {
  const { t } = ctx;
  const date = ctx.policy.registration.enforcementDate;
  const days = daysBetween(ctx.today, date);
  const long = t.longDate(date);
  return days < 0
    ? t('status.deadline.passed', { date: long })
    : t('status.deadline.ahead', { date: long, days });
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
  const { t } = ctx;
  const { evaluation: e, snapshot, afterCheck } = view;
  const blocking = e.reasons.filter((r) => r.blocking);
  const notes = e.reasons.filter((r) => !r.blocking);
  const started = !e.reasons.some((r) => r.code === 'nothingRegistered');
  const heading = t(
    e.complete
      ? afterCheck
        ? 'status.heading.doneAfterCheck'
        : 'status.heading.allSet'
      : afterCheck
        ? 'status.heading.notQuiteDone'
        : started
          ? 'status.heading.notFinished'
          : 'status.heading.notStarted',
  );
  const paragraphs = [
    t(
      e.complete
        ? afterCheck
          ? 'status.intro.completeAfterCheck'
          : 'status.intro.complete'
        : afterCheck
          ? 'status.intro.leftAfterCheck'
          : 'status.intro.left',
    ),
  ];
  const fixes: CardButton[] = [];
  for (const reason of blocking) {
    if (
      fixes.length >= 2 ||
      fixes.some((b) => b.data.verb === Verb.StatusFix && b.data.step === reason.fixStep)
    )
      continue;
    fixes.push(fixButton(reason, e, ctx));
  }
  const stuckFrom: StepId = view.progress?.step ?? 'welcome';
  const actions: CardButton[] = e.complete
    ? [
        { title: t('status.button.whatNow'), data: { verb: Verb.StatusFix, step: 'afterwards' } },
        { title: t('status.button.newPhone'), data: { verb: Verb.Ask, intent: 'newPhone' } },
        helpButton('afterwards', t),
      ]
    : [...fixes, doneItButton(t), helpButton(stuckFrom, t)];
  // The welcome card always offers the language; here it goes only while the card keeps to four buttons.
  if (actions.length < MAX_STATUS_ACTIONS) actions.push(languageButton(t));
  const tips: CardTip[] = notes.map((r) => ({ text: reasonText(r, ctx), style: 'emphasis' }));
  if (e.complete && !afterCheck && snapshot.source === 'report') {
    tips.push({
      text: t('status.tip.changeMethods', { url: shortUrl(ctx.policy.registration.url) }),
      style: 'good',
    });
  }
  const nextSteps = blocking.map((r, i) => ({ n: i + 1, text: reasonText(r, ctx) }));
  const methods = e.families.map((f) => familyLine(f, t));
  const updated = updatedLine(snapshot, view.now, t);
  const card = renderStatusCard({
    heading,
    paragraphs,
    methods,
    facts: [
      {
        title: t('status.fact.mfa'),
        value: t(e.mfaReady ? 'status.fact.ready' : 'status.fact.notYet'),
      },
      {
        title: t('status.fact.sspr'),
        value: t(e.ssprReady ? 'status.fact.ready' : 'status.fact.notYet'),
      },
      ...(e.complete ? [] : [{ title: t('status.fact.deadline'), value: deadlineValue(ctx) }]),
    ],
    nextStepsHeading: t('status.nextStepsHeading'),
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
  return inDirectionOf(card, t);
}

/** Said when Graph is busy: the answer will follow as a message. */
export function checkingCard(
  kind: 'status' | 'done',
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: t('status.checking.heading'),
    paragraphs: [t('status.checking.busy', { kind }), t('status.checking.noNeedToWait')],
    actions: [continueButton(progress, t), helpButton(progress?.step ?? 'welcome', t)],
  });
  return inDirectionOf(card, t);
}

/** Said when Graph could not be reached (after retries). */
export function statusUnavailableCard(
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: t('status.unavailable.heading'),
    paragraphs: [
      t('status.unavailable.tryAgain'),
      progress && progress.step !== 'welcome'
        ? t('status.unavailable.carryOn')
        : t('status.unavailable.setUpAt', { url: shortUrl(ctx.policy.registration.url) }),
    ],
    actions: [checkAgainButton(t), continueButton(progress, t), helpButton(progress?.step ?? 'welcome', t)],
  });
  return inDirectionOf(card, t);
}

/** Said when Microsoft does not know the account (brand new, or not in this tenant). */
export function unknownAccountCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: t('status.unknownAccount.heading'),
    paragraphs: [t('status.unknownAccount.tooNew'), t('status.unknownAccount.stillNot')],
    actions: [continueButton(progress, t), helpButton(progress?.step ?? 'welcome', t)],
  });
  return inDirectionOf(card, t);
}
