/** A button that does what typing a phrase would ("Check my status", "What is this?"). */
import { z } from 'zod';
import { INTENTS } from '../../domain/text/intents';
import type { VerbSchemas } from '../router';

export const AskVerb = { Ask: 'ask' } as const;

export const askVerbs = {
  [AskVerb.Ask]: z.object({ intent: z.enum(INTENTS) }),
} satisfies VerbSchemas;
