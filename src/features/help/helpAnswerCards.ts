/** Answers to what people type when they need to know something: what this is, a new phone. */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { GuideProgress } from '../../domain/guide/progress';
import { answer, continueButton, helpButton } from '../shared/answerCards';
import { Verb } from '../verbs';
import { deadlineText, schoolName, shortUrl, type ViewContext } from '../shared/wording';

/** "What is this?" */
export function whatIsThisCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const { policy, today } = ctx;
  return answer({
    heading: 'What is this?',
    paragraphs: [
      'Your school account is getting a second lock, called **multi-factor authentication** (MFA). When you sign in from outside school, you approve it on your phone. So even if someone guesses your password, they cannot get in.',
      "You'll also be able to **reset your own password** if you forget it.",
      `Everyone at ${schoolName(policy)} must set this up by ${deadlineText(policy, today)}.`,
      "I'm a bot from the school's IT team. I'll walk you through it one step at a time.",
    ],
    actions: [continueButton(progress), helpButton(progress?.step ?? 'welcome')],
  });
}

/** "New phone". */
export function newPhoneCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const page = shortUrl(ctx.policy.registration.url);
  return answer({
    heading: 'Got a new phone?',
    paragraphs: [
      `**Still have the old one?** Install Microsoft Authenticator on the new phone. Then go to **${page}**, tap **Add sign-in method**, choose the app and scan the QR code with the new phone. Then delete the old phone from the list.`,
      'A passkey does not move to a new phone. If you had one, add it again on the new phone.',
      "**Old phone gone?** Type **lost my phone** and I'll help.",
    ],
    actions: [
      {
        title: 'Show me the app steps',
        data: { verb: Verb.GuideChoose, from: 'chooseFirst', choice: 'app' },
      },
      { title: 'I lost my old phone', data: { verb: Verb.Ask, intent: 'lostPhone' } },
      helpButton(progress?.step ?? 'welcome'),
    ],
  });
}
