/**
 * "Change language": typed ("language", "język", "زبان") or from the status card. The choice is kept with the
 * user's progress and wins over the language Teams reports from then on.
 */
import { NEW_PROGRESS } from '../../domain/guide/progress';
import type { Catalogues } from '../../i18n/catalogue';
import type { Router, Turn } from '../router';
import { buttonProblemCard } from '../shared/answerCards';
import { languageCard, languageChosenCard } from './languageCards';
import { languageVerbs, LanguageVerb } from './languageVerbs';

export function registerLanguage(router: Router, deps: { catalogues: Catalogues }): void {
  const { catalogues } = deps;
  const show = (turn: Turn) => Promise.resolve([languageCard(catalogues.languages(), turn.ctx)]);
  router
    .intent('language', show)
    .verb(languageVerbs, LanguageVerb.LanguageShow, (_action, turn) => show(turn))
    .verb(languageVerbs, LanguageVerb.LanguageChoose, ({ locale }, turn) =>
      turn.update((current) => {
        if (!catalogues.has(locale)) return { cards: [buttonProblemCard(current, 'notOffered', turn.ctx.t)] };
        const ctx = { ...turn.ctx, t: catalogues.translatorFor(locale) };
        return {
          next: { ...(current ?? NEW_PROGRESS), language: locale },
          cards: [languageChosenCard(current, ctx)],
        };
      }),
    );
}
