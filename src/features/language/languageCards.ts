/**
 * The language card: every language the bot speaks, each in its own words ("Polski", "اردو", "English"), so
 * a pupil finds theirs whatever language the card is in; and the answer once one is chosen, already in it.
 * Up to six languages are one button each (one tap); past six, Teams would hide buttons, so the languages
 * are a list to pick from with one button under it.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { CardButton } from '../../cards/renderCards';
import type { GuideProgress } from '../../domain/guide/progress';
import { answer, continueButton } from '../shared/answerCards';
import { inDirectionOf } from '../shared/direction';
import type { ViewContext } from '../shared/wording';
import { Verb } from '../verbs';

/** A language on offer: its locale and its name in itself. */
export interface LanguageOption {
  locale: string;
  name: string;
}

/** The most languages shown as buttons: Teams shows at most six actions on a card. */
export const MOST_LANGUAGE_BUTTONS = 6;

/** "Choose your language": one button per language, or a list and one button past six languages. */
export function languageCard(languages: readonly LanguageOption[], ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const heading = t('language.heading');
  const paragraphs = [t('language.pick'), t('language.typeToChange')];
  if (languages.length > MOST_LANGUAGE_BUTTONS) {
    return inDirectionOf(languageListCard(languages, heading, paragraphs, ctx), t);
  }
  const actions: CardButton[] = languages.map(({ locale, name }) => ({
    title: locale === t.locale ? `✔ ${name}` : name,
    data: { verb: Verb.LanguageChoose, locale },
  }));
  return inDirectionOf(answer({ heading, paragraphs, actions }), t);
}

/**
 * The languages as a list of choices, the user's own already picked, and one button that sends the pick:
 * the client adds the list's value to the button's data as `locale` (version 1.3, for the list's label).
 */
function languageListCard(
  languages: readonly LanguageOption[],
  heading: string,
  paragraphs: string[],
  ctx: ViewContext,
): AdaptiveCardJson {
  const { t } = ctx;
  // The button's data lacks `locale` on purpose: the list adds it when the user sends.
  const send: CardButton = {
    title: t('language.use'),
    data: { verb: Verb.LanguageChoose } as CardButton['data'],
  };
  const card = structuredClone(answer({ heading, paragraphs, actions: [send] }));
  const list = {
    type: 'Input.ChoiceSet',
    id: 'locale',
    label: t('language.list'),
    style: 'expanded',
    value: languages.some(({ locale }) => locale === t.locale) ? t.locale : languages[0]?.locale,
    choices: languages.map(({ locale, name }) => ({ title: name, value: locale })),
  };
  // The list goes under the heading and its words, before anything else the card says.
  (card.body as unknown[]).splice(1 + paragraphs.length, 0, list);
  card.version = '1.3';
  return card;
}

/** Said in the language just chosen: from now on the bot writes in it. */
export function languageChosenCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  return inDirectionOf(
    answer({
      heading: t('language.chosen'),
      paragraphs: [t('language.typeToChange')],
      actions: [
        { title: t('buttons.checkStatus'), data: { verb: Verb.Ask, intent: 'status' } },
        continueButton(progress, t),
      ],
    }),
    t,
  );
}
