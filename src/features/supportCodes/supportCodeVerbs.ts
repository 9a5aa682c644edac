/** Shows the user their support code; the desk's Temporary Access Pass buttons. */
import { z } from 'zod';
import type { VerbSchemas } from '../router';
import { noPayload } from '../shared/payloads';

export const SupportCodeVerb = {
  SupportCodeShow: 'supportCode.show',
  /** Gives the pass on a grant (after a valid `verify`, or a confirmed in-person check). */
  PassGive: 'temporaryAccessPass.give',
  /** After `tap <upn>`: the desk member checked the person in person; records it, then gives the pass. */
  PassConfirm: 'temporaryAccessPass.confirm',
  /** After `tap <upn>`: no pass after all. */
  PassCancel: 'temporaryAccessPass.cancel',
} as const;

/** A grant id as the service makes it (18 random bytes, base64url); anything else is not one. */
const grant = z.object({ grantId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });

export const supportCodeVerbs = {
  [SupportCodeVerb.SupportCodeShow]: noPayload,
  [SupportCodeVerb.PassGive]: grant,
  [SupportCodeVerb.PassConfirm]: grant,
  [SupportCodeVerb.PassCancel]: grant,
} satisfies VerbSchemas;
