/**
 * English left on a card that should be in another language: the words of the English catalogue the card
 * shows outside brackets (where Microsoft's and IT's English names stay: "dział IT (IT Support)") that the
 * card's own language does not use too ("help" is Welsh as well), and that are no product's name.
 */
import { BASE_LOCALE, packageCatalogues } from '../../src/i18n/catalogue';
import type { CardView } from './cards';

/** Names every language writes as English does. */
const NAMES = new Set([
  'microsoft',
  'authenticator',
  'app',
  'store',
  'google',
  'play',
  'iphone',
  'android',
  'aka',
]);

const wordsIn = (text: string): string[] => text.toLowerCase().match(/\p{L}{3,}/gu) ?? [];

const wordsByLocale = new Map<string, Set<string>>();

/** Every word a catalogue writes: its messages and its glossary of Microsoft's labels. */
function catalogueWords(locale: string): Set<string> {
  let words = wordsByLocale.get(locale);
  if (!words) {
    const catalogue = packageCatalogues('Europe/London').catalogue(locale);
    if (!catalogue) throw new Error(`no catalogue ${locale}`);
    words = new Set([...catalogue.messages.values(), ...Object.values(catalogue.glossary)].flatMap(wordsIn));
    wordsByLocale.set(locale, words);
  }
  return words;
}

/** The English words on `view`, which is in the language of `locale` (a catalogue's tag, or a Teams one). */
export function englishLeftOn(view: CardView, locale: string): string[] {
  const catalogues = packageCatalogues('Europe/London');
  const own = catalogueWords(catalogues.localeOf(undefined, locale));
  const english = catalogueWords(BASE_LOCALE);
  return [...view.texts, ...view.buttons.map((b) => b.title)]
    .map((text) => text.replace(/\([^)]*\)/g, ''))
    .flatMap(wordsIn)
    .filter((word) => english.has(word) && !own.has(word) && !NAMES.has(word));
}
