/** "I'm stuck" and the steps of the "I need help" card flow. */
import { z } from 'zod';
import { CATEGORIES, HELP_WAYS, PARTS_OF_DAY } from '../../domain/escalation/categories';
import type { VerbSchemas } from '../router';
import { step } from '../shared/payloads';

export const HelpVerb = {
  /** Into the help flow from wherever the user is (the verb's name is older than the flow). */
  GuideStuck: 'guide.stuck',
  /** A step of the "I need help" card flow; the payload carries the choices made so far. */
  HelpStep: 'help.step',
  /** Sends the help request to the service desk (with the optional words typed into the form). */
  HelpSend: 'help.send',
} as const;

/** The views of the help flow, in order: what went wrong, how they want help, when, check and send. */
export const HELP_VIEWS = ['start', 'more', 'way', 'day', 'part', 'review', 'words'] as const;
export type HelpView = (typeof HELP_VIEWS)[number];

/**
 * The help flow's choices so far. Nothing is stored until the user sends: each button carries the draft,
 * and `formId` (made when the flow starts) makes a repeated send of the same draft one escalation.
 */
const helpDraft = z.object({
  formId: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/),
  from: step.optional(),
  category: z.enum(CATEGORIES).optional(),
  way: z.enum(HELP_WAYS).optional(),
  day: z.iso.date().optional(),
  part: z.enum(PARTS_OF_DAY).optional(),
});

/** The help flow's choices so far (see `helpDraft`). */
export type HelpDraft = z.output<typeof helpDraft>;

export const helpVerbs = {
  /** With a category (a step's own "tell IT" button), the flow starts at "how would you like help?" for it. */
  [HelpVerb.GuideStuck]: z.object({ from: step.optional(), category: z.enum(CATEGORIES).optional() }),
  [HelpVerb.HelpStep]: helpDraft.extend({ view: z.enum(HELP_VIEWS) }),
  // The words are cut to the policy's limit when stored, not refused here: a client that ignores the
  // input's maxLength still gets its request through.
  [HelpVerb.HelpSend]: helpDraft.extend({ words: z.string().optional() }),
} satisfies VerbSchemas;
