/**
 * Cards for languages written right to left (Urdu). `rtl` on the card is schema 1.5, newer than the 1.2 Teams
 * mobile renders reliably: renderers that know it (Teams desktop and web) lay the whole card out right to
 * left, and those that do not ignore it. So every text block is also aligned right (schema 1.0), which reads
 * right on every client; the words themselves run right to left by the script's own direction.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { Translator } from '../../i18n/translator';

type Json = Record<string, unknown>;

function alignRight(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) alignRight(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const element = node as Json;
  if (element.type === 'TextBlock') element.horizontalAlignment = 'right';
  for (const value of Object.values(element)) alignRight(value);
}

/** The card as it is for left-to-right languages; for right-to-left ones, a copy laid out for them. */
export function inDirectionOf(card: AdaptiveCardJson, t: Translator): AdaptiveCardJson {
  if (!t.rtl) return card;
  // Rendered cards are shared and frozen: lay out a copy.
  const copy = structuredClone(card);
  copy.rtl = true;
  alignRight(copy.body);
  return copy;
}
