/**
 * The words of the desk's Temporary Access Pass: the button on a valid `verify`, the in-person check after
 * `tap <upn>`, the pass itself (only ever sent to the desk member who asked, with what to tell the person),
 * and every reason there is no pass, in words the desk can act on. Every word comes from the desk member's
 * catalogue (`tap.*`); the typed commands (**verify**, **tap**) and the policy file's names stay as they are.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { renderPassCard, type CardButton } from '../../cards/renderCards';
import type { GiveRefusal } from '../../domain/supportCodes/temporaryAccessPass';
import type { Translator } from '../../i18n/translator';
import type { PassRefusalReason } from '../../ports/temporaryAccessPasses';
import type { DirectoryUser } from '../../ports/directory';
import type { GiveAnswer } from '../../supportCodes/temporaryAccessPassService';
import { answer, carryOnButton, statusButton } from '../shared/answerCards';
import { inDirectionOf } from '../shared/direction';
import { shortUrl } from '../shared/wording';
import { Verb } from '../verbs';
import { personFacts } from './supportCodeCards';

type Issued = Extract<GiveAnswer, { kind: 'issued' }>;
/** Why there is no pass: the rules' reasons and Microsoft's. */
export type PassRefusal = GiveRefusal | PassRefusalReason;

/** The settings the refusals quote. */
export interface PassSettings {
  lifetimeMinutes: number;
  verifiedWithinMinutes: number;
}

/** The button a desk member's answer carries while a pass may be given on `grantId`. */
export function giveButton(grantId: string, t: Translator, again = false): CardButton {
  return {
    title: t(again ? 'tap.button.tryAgain' : 'tap.button.give'),
    data: { verb: Verb.PassGive, grantId },
  };
}

/** `tap` typed without a school email (desk only). */
export function tapUsageCard(t: Translator): AdaptiveCardJson {
  const card = answer({
    heading: t('tap.usage.heading'),
    paragraphs: [t('tap.usage.how'), t('tap.usage.example', { example: 'tap sam.taylor@kscs.org.uk' })],
    actions: [],
  });
  return inDirectionOf(card, t);
}

/** `tap <upn>` for an account the directory does not know. */
export function tapUnknownUserCard(t: Translator): AdaptiveCardJson {
  const card = answer({
    heading: t('tap.unknownUser.heading'),
    paragraphs: [t('tap.unknownUser.body')],
    actions: [],
  });
  return inDirectionOf(card, t);
}

/** `tap <upn>`: before any pass, the desk member confirms they checked who the person is, face to face. */
export function tapConfirmCard(
  user: DirectoryUser,
  grantId: string,
  settings: PassSettings,
  t: Translator,
): AdaptiveCardJson {
  const card = answer({
    heading: t('tap.confirm.heading'),
    paragraphs: [
      t('tap.confirm.whoever', { name: user.displayName, upn: user.userPrincipalName }),
      t('tap.confirm.onlyIf'),
      ...(user.accountEnabled ? [] : [t('supportCodes.accountDisabled')]),
    ],
    facts: personFacts(user, t),
    tips: [
      {
        text: t('tap.confirm.recorded', { minutes: settings.verifiedWithinMinutes }),
        style: 'emphasis',
      },
    ],
    actions: [
      { title: t('tap.button.checked'), data: { verb: Verb.PassConfirm, grantId } },
      { title: t('tap.button.cancel'), data: { verb: Verb.PassCancel, grantId } },
    ],
  });
  return inDirectionOf(card, t);
}

/** Cancel pressed on the in-person check. */
export function tapCancelledCard(t: Translator): AdaptiveCardJson {
  const card = answer({
    heading: t('tap.cancelled.heading'),
    paragraphs: [t('tap.cancelled.body')],
    actions: [],
  });
  return inDirectionOf(card, t);
}

/** The pass, for the desk member's own chat: what it is, until when, and what the person does with it. */
export function passIssuedCard(issued: Issued, t: Translator): AdaptiveCardJson {
  const { user, forThePerson } = issued;
  const known = user ? 'yes' : 'no';
  const heading = t('tap.issued.heading', { known, name: user?.displayName ?? '' });
  const { date, time } = forThePerson.expiresLocal;
  const card = renderPassCard({
    heading,
    fallbackText: t('tap.issued.openCard', { heading }),
    paragraphs: [
      t('tap.issued.forWho', {
        known,
        name: user?.displayName ?? '',
        upn: user?.userPrincipalName ?? '',
      }),
    ],
    pass: issued.pass,
    facts: [
      { title: t('tap.issued.worksUntil'), value: t('tap.issued.until', { time, date: t.longDate(date) }) },
      {
        title: t('tap.issued.works'),
        value: forThePerson.usableOnce
          ? t('tap.issued.once')
          : t('tap.issued.forMinutes', { minutes: forThePerson.lifetimeMinutes }),
      },
    ],
    stepsHeading: t('tap.issued.tell', {
      known: user ? 'yes' : 'no',
      name: user?.givenName ?? user?.displayName ?? '',
    }),
    steps: [
      { n: 1, text: t('tap.issued.step1', { url: shortUrl(forThePerson.registrationUrl) }) },
      { n: 2, text: t('tap.issued.step2') },
      { n: 3, text: t('tap.issued.step3') },
      { n: 4, text: t('tap.issued.step4') },
    ],
    tips: [
      {
        text: t(forThePerson.usableOnce ? 'tap.issued.onceTip' : 'tap.issued.lifetimeTip'),
        style: 'attention',
      },
      { text: t('tap.issued.replaces'), style: 'emphasis' },
    ],
    actions: [],
  });
  return inDirectionOf(card, t);
}

/** For each reason, whether a second paragraph says what to do about it (`tap.refusal.<reason>Then`). */
const HAS_THEN: Record<PassRefusal, boolean> = {
  featureOff: false,
  notDeskMember: false,
  notYourGrant: false,
  tooOld: false,
  alreadyGiven: true,
  cancelled: false,
  notConfirmedInPerson: false,
  noPermission: true,
  disabledByPolicy: true,
  lifetimeOutsidePolicy: true,
  userNotFound: false,
  unavailable: false,
};

/** What the desk member reads for each reason there is no pass. */
function refusalWords(reason: PassRefusal, settings: PassSettings, t: Translator): string[] {
  const minutes = reason === 'tooOld' ? settings.verifiedWithinMinutes : settings.lifetimeMinutes;
  return [
    t(`tap.refusal.${reason}`, { minutes }),
    ...(HAS_THEN[reason] ? [t(`tap.refusal.${reason}Then`)] : []),
  ];
}

/** No pass, and why. Only when Microsoft was unavailable may the same button be pressed again. */
export function passRefusedCard(
  reason: PassRefusal,
  settings: PassSettings,
  t: Translator,
  grantId?: string,
): AdaptiveCardJson {
  const retry = reason === 'unavailable' && grantId;
  // Someone outside the desk (a forged button) gets what `verify` gives them: a way back to their own guide.
  const card =
    reason === 'notDeskMember'
      ? answer({
          heading: t('tap.refused.notDeskHeading'),
          paragraphs: refusalWords(reason, settings, t),
          actions: [carryOnButton(t), statusButton(t)],
        })
      : answer({
          heading: t('tap.refused.heading'),
          paragraphs: refusalWords(reason, settings, t),
          actions: retry ? [giveButton(grantId, t, true)] : [],
        });
  return inDirectionOf(card, t);
}
