/**
 * How a pupil is told that something they typed was taken out (screening.ts): what it looked like, in kind
 * words, and what to do about it, in the user's language. Shared by the chat's refusal and the help form's
 * confirmation.
 */
import type { SensitiveKind } from '../../domain/text/screening';
import type { Translator } from '../../i18n/translator';
import { shortUrl, type ViewContext } from '../shared/wording';

/** The one promise the bot repeats: the desk's own support code is the exception, so not "never a code". */
export const NEVER_ASK = 'IT will never ask for your password or for the codes Microsoft sends you.';

/** The same promise in the user's language (`NEVER_ASK` is the English one, kept equal by the catalogue test). */
export function neverAsk(t: Translator): string {
  return t('shared.neverAsk');
}

/** "a password", "a password and a code", "hasło i kod": the kinds found, in the user's language. */
export function kindsText(found: readonly SensitiveKind[], t: Translator): string {
  if (found.length === 0) return t('shared.sensitive.kind.something');
  const words = found.map((kind) => t(`shared.sensitive.kind.${kind}`));
  return new Intl.ListFormat(t.locale, { type: 'conjunction' }).format(words);
}

/** What to do when a real secret was typed: a new password, new security questions. */
export function changeItAdvice(found: readonly SensitiveKind[], ctx: ViewContext): string[] {
  const { t } = ctx;
  const { registration } = ctx.policy;
  return [
    ...(found.includes('password')
      ? [t('shared.sensitive.changePassword', { url: shortUrl(registration.resetUrl) })]
      : []),
    ...(found.includes('securityAnswer')
      ? [t('shared.sensitive.changeQuestions', { url: shortUrl(registration.url) })]
      : []),
  ];
}
