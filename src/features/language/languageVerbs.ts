/** The language card: show it, and choose a language on it. */
import { z } from 'zod';
import type { VerbSchemas } from '../router';
import { noPayload } from '../shared/payloads';

export const LanguageVerb = { LanguageShow: 'language.show', LanguageChoose: 'language.choose' } as const;

export const languageVerbs = {
  [LanguageVerb.LanguageShow]: noPayload,
  /** A catalogue's locale (`pl`, `en-GB`); whether there is one is checked when it is chosen. */
  [LanguageVerb.LanguageChoose]: z.object({ locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/) }),
} satisfies VerbSchemas;
