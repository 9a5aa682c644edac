/**
 * Understands the short things people type into a chat ("status", "lost my phone", "hlep") without an AI
 * service: words are normalised, then matched against phrases with a small edit-distance tolerance for
 * the typos phones make (swapped letters count as one). The most specific phrase wins ("lost my phone" beats "phone").
 */
import damerauLevenshtein from 'damerau-levenshtein';
import { screenText, type SensitiveKind } from './screening';

export const INTENTS = [
  'greeting',
  'start',
  'restart',
  'resume',
  'status',
  'done',
  'help',
  'newPhone',
  'lostPhone',
  'noSmartphone',
  'whatIsThis',
  'thanks',
  'supportCode',
  'notMe',
  'passkeyPrompt',
  'language',
] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * What a message was understood as. `sensitive`: it held something the bot must never be sent (screening.ts),
 * with the kinds found.
 */
export type Understood =
  { intent: Intent } | { intent: 'sensitive'; found: SensitiveKind[] } | { intent: 'unknown' };

/** The phrases each intent is recognised by (exported for tests that type near them). */
export const PHRASES: Readonly<Record<Intent, readonly string[]>> = {
  greeting: [
    'hi',
    'hello',
    'hey',
    'hiya',
    'yo',
    'sup',
    'morning',
    'good morning',
    'good afternoon',
    'hey there',
  ],
  start: [
    'start',
    'begin',
    'set up',
    'setup',
    'register',
    'lets go',
    'get started',
    'sign up',
    'enrol',
    'enroll',
  ],
  restart: ['start again', 'restart', 'start over', 'from the beginning', 'reset guide'],
  resume: ['continue', 'carry on', 'resume', 'where was i', 'keep going'],
  status: ['status', 'am i done', 'am i registered', 'check', 'my status', 'progress', 'what is left'],
  done: [
    'done',
    'i have done it',
    'ive done it',
    'i did it',
    'finished',
    'all done',
    'completed',
    'i am done',
    'im done',
  ],
  help: [
    'help',
    'stuck',
    'im stuck',
    'i am stuck',
    'it does not work',
    'it doesnt work',
    'not working',
    'doesnt work',
    'error',
    'problem',
    'confused',
    'i need help',
    'dont understand',
    'dont get it',
    'dont know what to do',
  ],
  newPhone: [
    'new phone',
    'changed phone',
    'changed my phone',
    'got a new phone',
    'new mobile',
    'switch phone',
    'upgrade phone',
  ],
  lostPhone: [
    'lost my phone',
    'lost phone',
    'phone lost',
    'phone stolen',
    'stolen',
    'broken phone',
    'phone broke',
    'phone broken',
    'smashed phone',
    'cant find my phone',
  ],
  noSmartphone: [
    'no smartphone',
    'dont have a smartphone',
    'no phone',
    'dont have a phone',
    'not got a phone',
    'havent got a phone',
    'no mobile',
    'dont have a mobile',
    'not allowed a phone',
    'no smart phone',
    'dont have a smart phone',
  ],
  whatIsThis: [
    'what is this',
    'whats this',
    'what is mfa',
    'what is 2fa',
    'whats mfa',
    'whats 2fa',
    'why',
    'why do i need this',
    'who are you',
    'what are you',
    'what do i do',
    'mfa',
    '2fa',
    'sspr',
    'info',
  ],
  thanks: ['thanks', 'thank you', 'ty', 'cheers', 'thx', 'ta'],
  supportCode: [
    'support code',
    'my support code',
    'show my support code',
    'my code for it',
    'prove who i am',
    'prove its me',
    'identity code',
  ],
  notMe: [
    'it wasnt me',
    'i didnt sign in',
    'sign in i didnt start',
    'someone signing in',
    'someone is signing in',
    'someone else signing in',
    'someone else signed in',
    'strange sign in',
    'weird sign in',
    'hacked',
    'i got hacked',
  ],
  passkeyPrompt: [
    'passkey',
    'add a passkey',
    'passkey screen',
    'asked for a passkey',
    'asks for a passkey',
    'wants a passkey',
  ],
  language: ['language', 'change language', 'languages', 'my language', 'other language', 'translate'],
};

/** Phone keyboards and habits: "u" for "you", "pls", no apostrophes. */
const SHORTHAND: Record<string, string> = {
  u: 'you',
  ur: 'your',
  pls: 'please',
  plz: 'please',
  wat: 'what',
  wot: 'what',
  wht: 'what',
  im: 'im',
  cant: 'cant',
  phne: 'phone',
  fone: 'phone',
  mob: 'mobile',
};

/**
 * Letters that do not lose their accent by decomposition ("ł"), and the Arabic-script letters Urdu keyboards
 * type in two ways (Arabic yeh and kaf for the Urdu ones).
 */
const FOLDED: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ß: 'ss', ي: 'ی', ى: 'ی', ك: 'ک' };

/**
 * Lower case, letters and digits of any script without their accents or vowel marks, single spaces,
 * apostrophes removed ("don't" → "dont", "skończyłem" → "skonczylem").
 */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[łøđßيىك]/g, (c) => FOLDED[c] ?? c)
    .replace(/['\u2018\u2019`\u00b4]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .map((w) => SHORTHAND[w] ?? w)
    .join(' ');
}

/** Fuzzy comparisons already made (phrase word + typed word → match): people type the same words a lot. */
const fuzzyResults = new Map<string, boolean>();
const MAX_FUZZY_RESULTS = 20_000;

/**
 * Ordinary words one typo away from a phrase word: typed, they mean themselves ("I don't understand" is not
 * "done", "my phone is gone" is not "done", "being" is not "begin").
 */
const REAL_WORDS = new Set([
  'dont',
  'gone',
  'none',
  'cant',
  'wont',
  'note',
  'tone',
  'bone',
  'being',
  'held',
  'hell',
  'smart',
  'stick',
  'stock',
  'struck',
]);

/** English words that turn "done" around: "I'm not done", "I haven't done it". Other languages add theirs. */
const NEGATIONS = ['not', 'dont', 'didnt', 'havent', 'hasnt', 'isnt', 'aint', 'never'];

/**
 * "not done", "haven't finished", "nie skończyłem", "مکمل نہیں": a negation up to two words before a word of the
 * "done" phrase that matched, or right after one (Urdu puts it after: "مکمل نہیں", not complete).
 */
function negatesDone(tokens: string[], done: readonly string[], negations: ReadonlySet<string>): boolean {
  return tokens.some(
    (token, i) =>
      done.some((word) => wordMatches(word, token)) &&
      [...tokens.slice(Math.max(0, i - 2), i), tokens[i + 1] ?? ''].some((near) => negations.has(near)),
  );
}

/** Short words must match exactly; longer ones tolerate one typo, long ones two. */
function wordMatches(word: string, token: string): boolean {
  if (word === token) return true;
  if (word.length <= 3 || token.length <= 2 || REAL_WORDS.has(token)) return false;
  const allowed = word.length >= 8 ? 2 : 1;
  if (Math.abs(word.length - token.length) > allowed) return false;
  const key = `${word} ${token}`;
  let matches = fuzzyResults.get(key);
  if (matches === undefined) {
    matches = damerauLevenshtein(word, token).steps <= allowed;
    if (fuzzyResults.size >= MAX_FUZZY_RESULTS) fuzzyResults.clear();
    fuzzyResults.set(key, matches);
  }
  return matches;
}

/** Words in `phrase` found in order among `tokens`; returns how many tokens the match spans, or 0. */
function phraseMatch(phrase: string[], tokens: string[]): boolean {
  let at = 0;
  for (const word of phrase) {
    while (at < tokens.length && !wordMatches(word, tokens[at] ?? '')) at++;
    if (at >= tokens.length) return false;
    at++;
  }
  return true;
}

/** Words of `phrase` found side by side among `tokens`. */
function adjacentMatch(phrase: string[], tokens: string[]): boolean {
  for (let start = 0; start + phrase.length <= tokens.length; start++) {
    if (phrase.every((word, i) => wordMatches(word, tokens[start + i] ?? ''))) return true;
  }
  return false;
}

/**
 * Intents whose phrases must be typed as written, words side by side: their words spread out read as something
 * else ("I didn't get a code to sign in" is not "I didn't sign in"), and telling a pupil someone may know their
 * password is too much to guess.
 */
const ADJACENT_WORDS: ReadonlySet<Intent> = new Set(['notMe']);

/** The phrases of one language, ready to match (the English ones are always among them). */
export interface Lexicon {
  readonly phrases: readonly { intent: Intent; words: string[]; adjacent: boolean }[];
  /** Words that turn "done" around, normalised: English's and the language's. */
  readonly negations: ReadonlySet<string>;
}

function compile(phrases: Partial<Record<Intent, readonly string[]>>): Lexicon['phrases'] {
  return INTENTS.flatMap((intent) =>
    (phrases[intent] ?? []).map((p) => ({
      intent,
      words: normalise(p).split(' '),
      adjacent: ADJACENT_WORDS.has(intent),
    })),
  );
}

/** The English phrases alone. */
export const ENGLISH_LEXICON: Lexicon = { phrases: compile(PHRASES), negations: new Set(NEGATIONS) };

/**
 * The English phrases and, for each intent, the words of another language (matched after the English ones);
 * `negations`: that language's words for "not" ("nie", "نہیں"), understood besides the English ones.
 */
export function lexiconWith(
  extra: Partial<Record<Intent, readonly string[]>>,
  negations: readonly string[] = [],
): Lexicon {
  return {
    phrases: [...ENGLISH_LEXICON.phrases, ...compile(extra)],
    negations: new Set([...NEGATIONS, ...negations.map(normalise)]),
  };
}

/**
 * Understands one message. Very long messages are not matched against short phrases. Screening comes first:
 * "my password is help" is a password, not a call for help.
 */
export function understand(text: string, lexicon: Lexicon = ENGLISH_LEXICON): Understood {
  const { found } = screenText(text);
  if (found.length > 0) return { intent: 'sensitive', found };
  const normal = normalise(text);
  if (!normal) return { intent: 'unknown' };
  const tokens = normal.split(' ');
  if (tokens.length > 12) return { intent: 'unknown' };
  let best: { intent: Intent; words: string[]; score: number } | undefined;
  for (const { intent, words, adjacent } of lexicon.phrases) {
    if (words.length > tokens.length) continue;
    if (!(adjacent ? adjacentMatch(words, tokens) : phraseMatch(words, tokens))) continue;
    // Prefer phrases that explain more of the message; earlier intents win ties.
    const score = words.join(' ').length;
    if (!best || score > best.score) best = { intent, words, score };
  }
  if (!best) return { intent: 'unknown' };
  // "Not done yet" is someone part-way through: offer to carry on, and spare the live check "done" makes.
  if (best.intent === 'done' && negatesDone(tokens, best.words, lexicon.negations))
    return { intent: 'resume' };
  return { intent: best.intent };
}
