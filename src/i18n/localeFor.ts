/** A language tag as Teams sends one (`pl-PL`, `ur-PK`), or nothing: never whatever a client put there. */
export function languageTagOf(locale: unknown): string | undefined {
  return typeof locale === 'string' && /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,4}$/.test(locale)
    ? locale
    : undefined;
}

/**
 * Matches the language Teams reports for a user (a BCP 47 tag: `pl-PL`, `ur-PK`, `en-US`) with the catalogues
 * there are: the exact tag first, then the same language in any region (`en-US` → `en-GB`, `pl-PL` → `pl`).
 */
export function localeFor(tag: string | undefined, available: readonly string[]): string | undefined {
  if (!tag) return undefined;
  const wanted = tag.trim().replace(/_/g, '-').toLowerCase();
  const exact = available.find((locale) => locale.toLowerCase() === wanted);
  if (exact) return exact;
  const language = wanted.split('-')[0];
  return available.find((locale) => locale.toLowerCase().split('-')[0] === language);
}
