/** Shows the user's current support code. */
import type { VerbSchemas } from '../router';
import { noPayload } from '../shared/payloads';

export const SupportCodeVerb = { SupportCodeShow: 'supportCode.show' } as const;

export const supportCodeVerbs = {
  [SupportCodeVerb.SupportCodeShow]: noPayload,
} satisfies VerbSchemas;
