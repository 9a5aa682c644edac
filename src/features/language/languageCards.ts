/**
 * The language card: every language the bot speaks, each button in its own words ("Polski", "اردو",
 * "English"), so a pupil finds theirs whatever language the card is in; and the answer once one is chosen,
 * already in it.
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

/** "Choose your language", with one button per language. */
export function languageCard(languages: readonly LanguageOption[], ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const actions: CardButton[] = languages.map(({ locale, name }) => ({
    title: locale === t.locale ? `✔ ${name}` : name,
    data: { verb: Verb.LanguageChoose, locale },
  }));
  return inDirectionOf(
    answer({
      heading: t('language.heading'),
      paragraphs: [t('language.pick'), t('language.typeToChange')],
      actions,
    }),
    t,
  );
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
