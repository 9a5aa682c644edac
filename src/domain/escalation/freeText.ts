/**
 * The few words a user types into the help form, made safe to keep and to show: well-formed Unicode,
 * normalised, no control characters (CR/LF become plain line breaks), no bidirectional overrides that could
 * make the desk read text in a different order than it was typed, and no longer than the policy allows,
 * cut at a whole character (an emoji or an accented letter is never split). Passwords, codes, phone numbers,
 * email addresses and security answers are replaced by `[removed]` (the one rule, screening.ts): pupils type
 * them ("texts never come to 07700 900123"), and none may be kept. Screening comes before the cut, so a
 * secret is never cut in half and left unrecognised.
 */
import { screenText, type SensitiveKind } from '../text/screening';

export interface CleanText {
  text: string;
  /** True when the text was longer than the limit and was cut. */
  truncated: boolean;
  /** The kinds of thing taken out (empty when nothing was): the user is told, the log gets the kinds only. */
  removed: SensitiveKind[];
}

/** Embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). Marks (LRM/RLM) are kept. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** C0 controls except tab and line feed, DEL, and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** A surrogate without its pair (JSON allows them; mail and HTML do not). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * How much raw input is looked at, in UTF-16 units per allowed character: generous for accents and emoji
 * sequences, yet it keeps the work bounded (segmenting 200,000 characters at once exhausts the heap).
 */
const RAW_UNITS_PER_CHARACTER = 8;

/** Cleans `raw` and cuts it to `maxLength` user-perceived characters. */
export function cleanFreeText(raw: string, maxLength: number): CleanText {
  const capped = raw.length > maxLength * RAW_UNITS_PER_CHARACTER;
  // A high surrogate left at the cut would become U+FFFD, a character of its own: it goes with its pair.
  const bounded = capped
    ? raw.slice(0, maxLength * RAW_UNITS_PER_CHARACTER).replace(/[\uD800-\uDBFF]$/, '')
    : raw;
  const cleaned = bounded
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(CONTROLS, '')
    .replace(BIDI_CONTROLS, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const { text, found: removed } = screenText(cleaned);
  // Walk the segments lazily and stop at the limit: each segment carries the text, so listing them all
  // costs the square of its length.
  let kept = 0;
  let end = 0;
  let lastStart = 0;
  let cut = false;
  for (const part of graphemes.segment(text)) {
    if (kept === maxLength) {
      cut = true;
      break;
    }
    kept++;
    lastStart = part.index;
    end = part.index + part.segment.length;
  }
  if (!cut && !capped) return { text, truncated: false, removed };
  // Raw input cut short may end inside a character (half an emoji sequence): that last one goes.
  if (!cut) end = lastStart;
  return { text: text.slice(0, end).trimEnd(), truncated: true, removed };
}
