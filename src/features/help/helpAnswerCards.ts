/** Answers to what people type when they need to know something: what this is, a new phone. */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { GuideProgress } from '../../domain/guide/progress';
import { answer, continueButton, helpButton } from '../shared/answerCards';
import { inDirectionOf } from '../shared/direction';
import { Verb } from '../verbs';
import { deadlineText, schoolName, shortUrl, type ViewContext } from '../shared/wording';

/** "What is this?" */
export function whatIsThisCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const { policy, today, t } = ctx;
  const card = answer({
    heading: t('help.whatIsThis.heading'),
    paragraphs: [
      t('help.whatIsThis.secondLock'),
      t('help.whatIsThis.reset'),
      t('help.whatIsThis.everyone', { school: schoolName(policy), deadline: deadlineText(policy, today, t) }),
      t('help.whatIsThis.bot'),
    ],
    actions: [continueButton(progress, t), helpButton(progress?.step ?? 'welcome', t)],
  });
  return inDirectionOf(card, t);
}

/** "New phone". */
export function newPhoneCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: t('help.newPhone.heading'),
    paragraphs: [
      t('help.newPhone.stillHaveOld', { url: shortUrl(ctx.policy.registration.url) }),
      t('help.newPhone.passkey'),
      t('help.newPhone.oldGone'),
    ],
    actions: [
      {
        title: t('help.newPhone.appSteps'),
        data: { verb: Verb.GuideChoose, from: 'chooseFirst', choice: 'app' },
      },
      { title: t('help.newPhone.lostOld'), data: { verb: Verb.Ask, intent: 'lostPhone' } },
      helpButton(progress?.step ?? 'welcome', t),
    ],
  });
  return inDirectionOf(card, t);
}
