/** From the status card (or a nudge) into the guide step that fixes what is missing. */
import { z } from 'zod';
import type { VerbSchemas } from '../router';
import { step } from '../shared/payloads';

export const StatusVerb = { StatusFix: 'status.fix' } as const;

export const statusVerbs = {
  [StatusVerb.StatusFix]: z.object({ step, first: z.enum(['app', 'phone']).optional() }),
} satisfies VerbSchemas;
