/**
 * How a pupil is told that something they typed was taken out (screening.ts): what it looked like, in kind
 * words, and what to do about it. Shared by the chat's refusal and the help form's confirmation.
 */
import type { SensitiveKind } from '../../domain/text/screening';
import type { Translator } from '../../i18n/translator';
import { shortUrl, type ViewContext } from '../shared/wording';

const KIND_WORDS: Record<SensitiveKind, string> = {
  password: 'a password',
  code: 'a code',
  phoneNumber: 'a phone number',
  emailAddress: 'an email',
  securityAnswer: 'an answer to a question',
};

/** The one promise the bot repeats: the desk's own support code is the exception, so not "never a code". */
export const NEVER_ASK = 'IT will never ask for your password or for the codes Microsoft sends you.';

/** The same promise in the user's language (`NEVER_ASK` is the English one, for the features still in English). */
export function neverAsk(t: Translator): string {
  return t('shared.neverAsk');
}

/** "a password", "a password and a code", "a password, a code and an email address". */
export function kindsText(found: readonly SensitiveKind[]): string {
  const words = found.map((kind) => KIND_WORDS[kind]);
  if (words.length <= 1) return words[0] ?? 'something private';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** "it" for one thing, "them" for more. */
export function itOrThem(found: readonly SensitiveKind[]): string {
  return found.length > 1 ? 'them' : 'it';
}

/** What to do when a real secret was typed: a new password, new security questions. */
export function changeItAdvice(found: readonly SensitiveKind[], ctx: ViewContext): string[] {
  const { registration } = ctx.policy;
  return [
    ...(found.includes('password')
      ? [`If that was your real password, change it now at **${shortUrl(registration.resetUrl)}**.`]
      : []),
    ...(found.includes('securityAnswer')
      ? [`If that was a real answer, pick new questions at **${shortUrl(registration.url)}**.`]
      : []),
  ];
}
