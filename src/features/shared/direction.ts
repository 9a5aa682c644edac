/**
 * Cards for languages written right to left (Urdu): `rtl: true` on the card. Renderers that know it (the
 * Adaptive Cards renderers of Teams desktop, web and the Agents Playground; the iOS and Android ones since the
 * property came) lay the whole card out right to left: text starts at the right, buttons run from the right.
 * No text is aligned by hand: under `rtl` those renderers read "right" as the end of the line, which is the
 * left (seen in the Playground). A renderer that does not know `rtl` shows the card left to right, the words
 * still running right to left by their script.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { Translator } from '../../i18n/translator';

/** The card as it is for left-to-right languages; for right-to-left ones, a copy laid out for them. */
export function inDirectionOf(card: AdaptiveCardJson, t: Translator): AdaptiveCardJson {
  if (!t.rtl) return card;
  // Rendered cards are shared and frozen: lay out a copy.
  return { ...card, rtl: true };
}
