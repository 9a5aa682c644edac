/**
 * The words of the desk's Temporary Access Pass: the button on a valid `verify`, the in-person check after
 * `tap <upn>`, the pass itself (only ever sent to the desk member who asked, with what to tell the person),
 * and every reason there is no pass, in words the desk can act on.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { renderPassCard, type CardButton } from '../../cards/renderCards';
import type { GiveRefusal } from '../../domain/supportCodes/temporaryAccessPass';
import { formatLongDate } from '../../domain/policy/localDate';
import type { PassRefusalReason } from '../../ports/temporaryAccessPasses';
import type { DirectoryUser } from '../../ports/directory';
import type { GiveAnswer } from '../../supportCodes/temporaryAccessPassService';
import { answer, CARRY_ON, STATUS } from '../shared/answerCards';
import { shortUrl } from '../shared/wording';
import { Verb } from '../verbs';

type Issued = Extract<GiveAnswer, { kind: 'issued' }>;
/** Why there is no pass: the rules' reasons and Microsoft's. */
export type PassRefusal = GiveRefusal | PassRefusalReason;

/** The settings the refusals quote. */
export interface PassSettings {
  lifetimeMinutes: number;
  verifiedWithinMinutes: number;
}

/** The button a desk member's answer carries while a pass may be given on `grantId`. */
export function giveButton(grantId: string, title = 'Give a Temporary Access Pass'): CardButton {
  return { title, data: { verb: Verb.PassGive, grantId } };
}

/** `tap` typed without a school email (desk only). */
export function tapUsageCard(): AdaptiveCardJson {
  return answer({
    heading: 'Give a Temporary Access Pass in person',
    paragraphs: [
      'For someone who is with you and cannot show a support code: type **tap**, then their school email.',
      'For example: **tap sam.taylor@kscs.org.uk**',
    ],
    actions: [],
  });
}

/** `tap <upn>` for an account the directory does not know. */
export function tapUnknownUserCard(): AdaptiveCardJson {
  return answer({
    heading: 'No one found',
    paragraphs: ['No account has that school email. Check the spelling.'],
    actions: [],
  });
}

/** `tap <upn>`: before any pass, the desk member confirms they checked who the person is, face to face. */
export function tapConfirmCard(
  user: DirectoryUser,
  grantId: string,
  settings: PassSettings,
): AdaptiveCardJson {
  return answer({
    heading: 'Check who they are first',
    paragraphs: [
      `A Temporary Access Pass for **${user.displayName}** (${user.userPrincipalName}) lets whoever holds it set up sign-in for that account.`,
      'Confirm only if you have checked, in person, that this is really them: their school ID card, or you know them.',
      ...(user.accountEnabled ? [] : ['⚠️ Their account is disabled in Entra ID.']),
    ],
    facts: [
      ...(user.department ? [{ title: 'Year / dept', value: user.department }] : []),
      ...(user.jobTitle ? [{ title: 'Job title', value: user.jobTitle }] : []),
    ],
    tips: [
      {
        text: `Your confirmation is recorded. It is good for ${settings.verifiedWithinMinutes} minutes.`,
        style: 'emphasis',
      },
    ],
    actions: [
      { title: 'I checked them in person', data: { verb: Verb.PassConfirm, grantId } },
      { title: 'Cancel', data: { verb: Verb.PassCancel, grantId } },
    ],
  });
}

/** Cancel pressed on the in-person check. */
export function tapCancelledCard(): AdaptiveCardJson {
  return answer({
    heading: 'Cancelled',
    paragraphs: ['No pass was given.'],
    actions: [],
  });
}

/** "14:05 on Monday 30 November 2026". */
function untilText(issued: Issued): string {
  const { date, time } = issued.forThePerson.expiresLocal;
  return `${time} on ${formatLongDate(date)}`;
}

/** The pass, for the desk member's own chat: what it is, until when, and what the person does with it. */
export function passIssuedCard(issued: Issued): AdaptiveCardJson {
  const { user, forThePerson } = issued;
  const who = user ? `**${user.displayName}** (${user.userPrincipalName})` : 'the person you checked';
  const name = user?.givenName ?? user?.displayName ?? 'them';
  const heading = user ? `Temporary Access Pass for ${user.displayName}` : 'Temporary Access Pass';
  return renderPassCard({
    heading,
    fallbackText: `${heading}. Open the card to see it.`,
    paragraphs: [`For ${who}. Show it or read it to them in person. Never send it in a chat or an email.`],
    pass: issued.pass,
    facts: [
      { title: 'Works until', value: `${untilText(issued)} (school time)` },
      {
        title: 'Works',
        value: forThePerson.usableOnce
          ? 'For one sign-in only'
          : `For ${forThePerson.lifetimeMinutes} minutes`,
      },
    ],
    stepsHeading: `Tell ${name}:`,
    steps: [
      { n: 1, text: `Go to **${shortUrl(forThePerson.registrationUrl)}**.` },
      {
        n: 2,
        text: 'Type your school email. Where it asks for your password, type this pass instead.',
      },
      { n: 3, text: 'Remove the lost phone: next to it, choose **Delete**.' },
      { n: 4, text: 'Choose **Add sign-in method** and set up your new phone or method.' },
    ],
    tips: [
      forThePerson.usableOnce
        ? {
            text: 'It works once: do all of it in that one sign-in. If it stops, come back for a new pass.',
            style: 'attention',
          }
        : {
            text: 'Finish before it ends. If it stops, come back for a new pass.',
            style: 'attention',
          },
      {
        text: 'A new pass replaces this one. Microsoft shows a pass only once, and this bot keeps no copy of it.',
        style: 'emphasis',
      },
    ],
    actions: [],
  });
}

/** What the desk member reads for each reason there is no pass. */
function refusalWords(reason: PassRefusal, settings: PassSettings): string[] {
  switch (reason) {
    case 'featureOff':
      return ["Temporary Access Passes are switched off in the school's policy file."];
    case 'notDeskMember':
      return ['Only the IT service desk can give a Temporary Access Pass.'];
    case 'notYourGrant':
      return [
        "This button isn't from your own check of this person, or the check is no longer kept. Check them again with **verify**.",
      ];
    case 'tooOld':
      return [
        `You checked who they are more than ${settings.verifiedWithinMinutes} minutes ago. Check again: **verify** with a fresh support code, or **tap** and their school email in person.`,
      ];
    case 'alreadyGiven':
      return [
        'A pass was already given on this check. Microsoft shows a pass only once, so it cannot be shown again.',
        'If they need a new one, check them again: a new pass replaces the old one.',
      ];
    case 'cancelled':
      return [
        'You cancelled this check, so no pass was given. To give one, type **tap** and their school email again.',
      ];
    case 'notConfirmedInPerson':
      return [
        "You haven't confirmed that you checked them in person. Type **tap** and their school email to start again.",
      ];
    case 'noPermission':
      return [
        "Microsoft refused: the bot isn't allowed to create passes.",
        // The portal lists it as ReadWrite.All under UserAuthenticationMethod (the whole name is too wide for a phone).
        'An IT admin must grant the app the Graph application permission **ReadWrite.All** under **UserAuthenticationMethod** (with admin consent). Then check the person again.',
      ];
    case 'disabledByPolicy':
      return [
        'Microsoft refused: Temporary Access Pass is switched off for this person in Entra ID (authentication methods policy).',
        'An IT admin can switch it on for them. Then check the person again.',
      ];
    case 'lifetimeOutsidePolicy':
      return [
        `Microsoft refused: a pass of ${settings.lifetimeMinutes} minutes is outside what the Temporary Access Pass settings in Entra ID allow.`,
        "An IT admin must change those settings, or **lifetimeMinutes** under **temporaryAccessPass** in the bot's policy file.",
      ];
    case 'userNotFound':
      return ["Microsoft doesn't know this account (any more). Check the school email."];
    case 'unavailable':
      return ["Microsoft didn't answer just now, so no pass was made. Please try again in a minute."];
  }
}

/** No pass, and why. Only when Microsoft was unavailable may the same button be pressed again. */
export function passRefusedCard(
  reason: PassRefusal,
  settings: PassSettings,
  grantId?: string,
): AdaptiveCardJson {
  const retry = reason === 'unavailable' && grantId;
  // Someone outside the desk (a forged button) gets what `verify` gives them: a way back to their own guide.
  if (reason === 'notDeskMember') {
    return answer({
      heading: "Sorry, I can't do that for you",
      paragraphs: refusalWords(reason, settings),
      actions: [CARRY_ON, STATUS],
    });
  }
  return answer({
    heading: 'No pass given',
    paragraphs: refusalWords(reason, settings),
    actions: retry ? [giveButton(grantId, 'Try again')] : [],
  });
}
