/**
 * The one rule for everything a user types (chat messages, the help form's words): passwords, codes, phone
 * numbers, email addresses and security answers are replaced by `[removed]` before anything is kept, mailed
 * or logged. The chat refuses a message in which it finds any; the help form keeps the rest of the words.
 *
 * A cue keeps its own words ("my password is [removed]") so the desk still understands what was meant. Every
 * pattern is linear: no nested quantifiers that can overlap, whitespace bounded, and each pattern that starts
 * on a run of characters starts only at the run's first one (a lookbehind), so a 100,000-character paste
 * costs one pass per pattern.
 */

/** What the rule can find, in the order a user is told about them. */
export const SENSITIVE_KINDS = ['password', 'code', 'phoneNumber', 'emailAddress', 'securityAnswer'] as const;
export type SensitiveKind = (typeof SENSITIVE_KINDS)[number];

/** What replaces each thing taken out. */
export const REMOVED = '[removed]';

export interface Screened {
  /** The text with every sensitive part replaced by `[removed]`. */
  text: string;
  /** The kinds taken out (each once, in SENSITIVE_KINDS order); empty when nothing was. */
  found: SensitiveKind[];
}

/**
 * Words that, straight after "my password is", talk about the password rather than give it ("my password is
 * not working", "my password's wrong"): the sentence is kept as typed.
 */
const ABOUT_IT = new Set([
  'not',
  'wrong',
  'right',
  'correct',
  'incorrect',
  'invalid',
  'expired',
  'locked',
  'blocked',
  'working',
  'broken',
  'changed',
  'reset',
  'forgotten',
  'lost',
  'same',
  'different',
  'ok',
  'okay',
  'fine',
  'too',
  'still',
  'being',
  'definitely',
  'probably',
  'really',
  'very',
  'so',
  'case',
  'required',
  'needed',
  'asked',
  'done',
  'gone',
  'set',
  'there',
  'here',
  'that',
  'this',
  'what',
  'it',
  'in',
  'on',
  'at',
  'no',
  'yes',
  'and',
  'but',
  'or',
  'because',
  'valid',
  'weak',
  'strong',
  'short',
  'long',
  'saved',
  'hidden',
  'new',
  'old',
  'like',
]);
/** Articles and "my" start a description of a password ("the same as before"), but may start an answer. */
const ABOUT_PASSWORD = new Set([...ABOUT_IT, 'the', 'a', 'an', 'my', 'your']);

/** A quoted secret, whole (up to 80 characters), for "my password is "two words"". */
const QUOTED = String.raw`"[^"\n]{1,80}"|“[^”\n]{1,80}”|'[^'\n]{1,80}'`;

/** Cue words for a password: password(s), passwd, passcode, passphrase, pw, pwd, (temporary) access pass. */
const PASSWORD_CUE = String.raw`\b(?:pass(?:words?|wd|codes?|phrase)|pwd?|access\s{1,3}pass)\b`;
/** "pass" alone is a bus pass as often as a password: only "pass: X" and "pass = X" count. */
const PASS_CUE = String.raw`\bpass[ \t]{0,3}[:=]{1,2}`;
/** What joins a cue to what follows: "is", "was", "will be", ":", "=", "'s". */
const LINK = String.raw`(?:[ \t]{0,3}[:=]{1,2}|\s{1,3}(?:is|was|are|were|will\s{1,3}be|would\s{1,3}be|should\s{1,3}be|has\s{1,3}been|is\s{1,3}now|now\s{1,3}is|used\s{1,3}to\s{1,3}be)\b[ \t]{0,3}:?|['’]s\b)`;
/** "my password is just X": filler between the link and the secret. */
const FILLER = String.raw`(?:\s{0,3}\b(?:just|literally|actually|still|now)\b)?`;

const PASSWORD = new RegExp(
  String.raw`((?:${PASSWORD_CUE}${LINK}|${PASS_CUE})${FILLER}\s{0,3})(${QUOTED}|\S+)`,
  'giu',
);

/**
 * Cues for the answer to a security question: a mother's maiden name, a first pet, a childhood nickname, a
 * first school, a favourite teacher, and "the answer is".
 */
const ANSWER_CUE = [
  String.raw`\bmaiden\s{1,3}name`,
  String.raw`\bfirst\s{1,3}pet(?:['’]?s)?(?:\s{1,3}name)?`,
  String.raw`\bpet(?:['’]?s)?\s{1,3}name`,
  String.raw`\b(?:the|my|security|secret)\s{1,3}(?:question\s{1,3})?answers?(?:\s{1,3}to\s{1,3}(?:my|the)\s{1,3}(?:security\s{1,3}|secret\s{1,3})?questions?)?`,
  String.raw`\banswer(?=[ \t]{0,3}:)`,
  String.raw`\bchildhood\s{1,3}nickname`,
  String.raw`\bfirst\s{1,3}school`,
  String.raw`\bfavou?rite\s{1,3}teacher`,
].join('|');
const ANSWER_LINK = String.raw`(?:[ \t]{0,3}[:=]|\s{1,3}(?:is|was|were|are|will\s{1,3}be)(?:\s{1,3}(?:called|named))?\b|\s{1,3}(?:called|named)\b|['’]s\b)`;
/** Words that end the answer: "the answer is Rex and it still says wrong". */
const CLAUSE_END = String.raw`(?:and|but|so|because|or|then|which|when|if|though|it|i)\b`;
/** Up to four words, stopping at punctuation or at a word that starts a new clause. */
const ANSWER_WORDS = String.raw`(?!${CLAUSE_END})[^\s.,;!?]+(?:[ \t]{1,3}(?!${CLAUSE_END})[^\s.,;!?]+){0,3}`;

const SECURITY_ANSWER = new RegExp(
  String.raw`((?:${ANSWER_CUE})${ANSWER_LINK}\s{0,3})(${QUOTED}|${ANSWER_WORDS})`,
  'giu',
);

/**
 * An email address, of any domain (the school's too: the desk already knows the user's own). Spaces around
 * the @ are allowed ("jo @ gmail.com"); the last part of the domain must have a letter ("at school @ 9.30" is
 * not an address).
 */
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+ ?@ ?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/** A date with its four-digit year ("11.01.2027", "2027-01-11"): the deadline being asked about, not a code. */
const DATE = String.raw`(?:\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{2}-\d{2})(?!\d)`;
/**
 * Six or more digits as codes and phone numbers are written: "123456", "482 913", "+44 (0)7700-900123". Not
 * when glued to a word ("AADSTS500121" is an error the desk needs). A date is matched first and kept, so the
 * time after it ("11.01.2027 10:30") is not read as part of a number.
 */
const NUMBER_RUN = new RegExp(
  String.raw`(?<![\p{L}\p{N}_])(?:(${DATE})|(\+?\(?\d(?:[\s\-().]{0,3}\d){5,}))`,
  'gu',
);
/** Nine digits or more, or an international prefix, is a phone number; fewer is a code. */
const isPhoneNumber = (run: string) => /^[+(]/.test(run) || run.replace(/\D/g, '').length >= 9;

/**
 * Four or five digits read as a code after a cue: "pin 1234", "code was 48213", "the code: 4821". Not after
 * "error" and the like ("error code 53003" is what the desk needs to see).
 */
const CUED_CODE = new RegExp(
  String.raw`(?<!\b(?:error|status|exit|http|event|fault|stop|post|zip|area)[\s:-]{0,3})(\b(?:pin|code|passcode|otp)\b(?:\s{1,3}(?:number|no\.?))?(?:[ \t]{0,3}[:=#]|\s{1,3}(?:is|was|were|sent|says|said)\b){0,2}\s{0,3})(\d(?:[ -]?\d){3,4})(?![\d\p{L}])`,
  'giu',
);

/** A message that is only four or five digits ("4821") is a code, unless it reads as a year ("2027"). */
const ONLY_DIGITS = /^(\s*)(\d(?:[ -]?\d){3,4})(\s*(?:[.!]\s*)?)$/u;
const YEAR = /^(?:19|20)\d\d$/;

/** Screens `text`: every sensitive part replaced, and what kinds were found. Pure and linear in the length. */
export function screenText(text: string): Screened {
  const found = new Set<SensitiveKind>();
  let out = text.replace(PASSWORD, (whole, cue: string, secret: string) => {
    if (!isSecret(secret, ABOUT_PASSWORD)) return whole;
    found.add('password');
    return cue + REMOVED;
  });
  out = out.replace(SECURITY_ANSWER, (whole, cue: string, answer: string) => {
    if (!isSecret(answer, ABOUT_IT)) return whole;
    found.add('securityAnswer');
    return cue + REMOVED;
  });
  out = out.replace(EMAIL, (address) => {
    const labels = address.split('.');
    if (!/\p{L}/u.test(labels[labels.length - 1] ?? '')) return address;
    found.add('emailAddress');
    return REMOVED;
  });
  out = out.replace(NUMBER_RUN, (run, date: string | undefined) => {
    if (date) return run;
    found.add(isPhoneNumber(run) ? 'phoneNumber' : 'code');
    return REMOVED;
  });
  out = out.replace(CUED_CODE, (_whole, cue: string) => {
    found.add('code');
    return cue + REMOVED;
  });
  out = out.replace(ONLY_DIGITS, (whole, before: string, digits: string, after: string) => {
    if (YEAR.test(digits)) return whole;
    found.add('code');
    return before + REMOVED + after;
  });
  return { text: out, found: SENSITIVE_KINDS.filter((kind) => found.has(kind)) };
}

/** True when what follows a cue is the secret itself, not words about it ("is not working"). */
function isSecret(candidate: string, aboutIt: ReadonlySet<string>): boolean {
  if (candidate.startsWith(REMOVED) || !/[\p{L}\p{N}]/u.test(candidate)) return false;
  const first = candidate
    .split(/\s/, 1)[0]!
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+$/u, '');
  return !aboutIt.has(first);
}
