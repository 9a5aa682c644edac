/**
 * Flesch reading ease of a sentence (206.835 − 1.015 × words per sentence − 84.6 × syllables per word): 80 and
 * above reads easily at about 12. No readability package is installed here, so syllables are counted with the
 * usual English rules (vowel groups, a silent final e, -ed and -es that add none), close enough to a dictionary
 * for a threshold check.
 *
 * What a pupil matches on the screen rather than reads is one short word: a **bold** label (the words of
 * Microsoft's page, a button, a room), an address or a URL, a number, and names (products, phones, days and
 * months, the school: a capital inside a sentence).
 * Rewording those would make the card wrong, not easier.
 */

/** Names a pupil sees on their phone or on Microsoft's page: they read them as one word. */
const NAMES = new Set([
  'microsoft',
  'authenticator',
  'android',
  'iphone',
  'ios',
  'whatsapp',
  'google',
  'teams',
  'rcs',
  'mfa',
  'sspr',
  'qr',
  'wi-fi',
  'it',
]);

/** Syllables in one word (at least one): vowel groups, less a silent final e, -es or -ed. */
export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length === 0) return 0;
  if (w.length <= 3) return 1;
  const trimmed = w.replace(/(?:[^laeiouy]es|ed|[^laeiouy]e)$/, '').replace(/^y/, '');
  return Math.max(1, trimmed.match(/[aeiouy]{1,2}/g)?.length ?? 0);
}

/** The words of a sentence as a pupil reads them, each with its syllables. */
export function readWords(sentence: string): { word: string; syllables: number }[] {
  const plain = sentence
    // A bold label, an address or a URL is matched, not read.
    .replace(/\*\*[^*]+\*\*/g, ' LABEL ')
    .replace(/\S+@\S+|\b(?:https?:\/\/)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:\/\S*)?/gi, ' LABEL ')
    .replace(/[^\p{L}\p{N}'\s-]/gu, ' ');
  return plain
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .map((word, i) => {
      const bare = word.toLowerCase().replace(/'s$/, '');
      // A capital inside a sentence is a name (a day, a month, the school, a product).
      const name = NAMES.has(bare) || (i > 0 && /^\p{Lu}/u.test(word));
      const simple = word === 'LABEL' || /^\d/.test(word) || name;
      return { word, syllables: simple ? 1 : syllables(word) };
    });
}

/** Sentences of a block of card text (a full stop, question or exclamation mark, or a line break ends one). */
export function sentences(text: string): string[] {
  return text
    .replace(/\*\*([^*]+)\*\*/g, (label: string) => label.replace(/[.!?]/g, ''))
    .split(/(?<=[.!?:])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => readWords(s).length > 0);
}

/** Flesch reading ease of one sentence. */
export function readingEase(sentence: string): number {
  const words = readWords(sentence);
  if (words.length === 0) return 100;
  const total = words.reduce((n, w) => n + w.syllables, 0);
  return 206.835 - 1.015 * words.length - 84.6 * (total / words.length);
}

/** Flesch reading ease of several sentences read together (a card). */
export function passageEase(list: string[]): number {
  const words = list.flatMap(readWords);
  if (words.length === 0) return 100;
  const total = words.reduce((n, w) => n + w.syllables, 0);
  return 206.835 - 1.015 * (words.length / list.length) - 84.6 * (total / words.length);
}
