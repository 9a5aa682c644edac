/**
 * Every card action carries a `verb` and a small payload. Verbs are named here and nowhere else, and each
 * verb's payload has a schema: submits come from the client and are untrusted, so they are parsed, not cast.
 */
import { z } from 'zod';
import { CHOICES, isStepId, type Choice, type FirstMethod, type StepId } from '../domain/guide/steps';
import {
  CATEGORIES,
  HELP_WAYS,
  PARTS_OF_DAY,
  type Category,
  type HelpWay,
  type PartOfDay,
} from '../domain/escalation/categories';
import type { LocalDate } from '../domain/policy/localDate';
import { INTENTS, type Intent } from '../domain/text/intents';

export const Verb = {
  GuideStart: 'guide.start',
  GuideNext: 'guide.next',
  GuideBack: 'guide.back',
  GuideChoose: 'guide.choose',
  GuideRestart: 'guide.restart',
  GuideResume: 'guide.resume',
  GuideStuck: 'guide.stuck',
  /** A button that does what typing a phrase would ("Check my status", "What is this?"). */
  Ask: 'ask',
  /** From the status card into the guide step that fixes what is missing. */
  StatusFix: 'status.fix',
  /** "Remind me later" on a campaign nudge: which campaign, and which nudge was snoozed. */
  NudgeSnooze: 'nudge.snooze',
  /** A step of the "I need help" card flow; the payload carries the choices made so far. */
  HelpStep: 'help.step',
  /** Sends the help request to the service desk (with the optional words typed into the form). */
  HelpSend: 'help.send',
  /** Shows the user's current support code. */
  SupportCodeShow: 'supportCode.show',
} as const;
export type VerbName = (typeof Verb)[keyof typeof Verb];

const step = z.custom<StepId>(isStepId, 'unknown step');
const noPayload = z.object({});

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

/** Payload schema per verb. Unknown extra fields (Teams adds some) are dropped, not trusted. */
const payloadSchemas = {
  [Verb.GuideStart]: noPayload,
  [Verb.GuideRestart]: noPayload,
  [Verb.GuideResume]: noPayload,
  [Verb.GuideNext]: z.object({ from: step }),
  [Verb.GuideBack]: z.object({ from: step }),
  [Verb.GuideStuck]: z.object({ from: step.optional() }),
  [Verb.GuideChoose]: z.object({ from: step, choice: z.enum(CHOICES) }),
  [Verb.Ask]: z.object({ intent: z.enum(INTENTS) }),
  [Verb.StatusFix]: z.object({ step, first: z.enum(['app', 'phone']).optional() }),
  [Verb.NudgeSnooze]: z.object({
    campaign: z.string().regex(/^enforcement-\d{4}-\d{2}-\d{2}$/),
    nudge: z.string().regex(/^d\d{1,3}(\+s\d{1,2})?$/),
  }),
  [Verb.HelpStep]: helpDraft.extend({ view: z.enum(HELP_VIEWS) }),
  // The words are cut to the policy's limit when stored, not refused here: a client that ignores the
  // input's maxLength still gets its request through.
  [Verb.HelpSend]: helpDraft.extend({ words: z.string().optional() }),
  [Verb.SupportCodeShow]: noPayload,
} satisfies Record<VerbName, z.ZodType>;

/** The help flow's choices so far (see `helpDraft`). */
export interface HelpDraft {
  formId: string;
  from?: StepId;
  category?: Category;
  way?: HelpWay;
  day?: LocalDate;
  part?: PartOfDay;
}

/** A validated card action. */
export type CardAction =
  | { verb: typeof Verb.GuideStart }
  | { verb: typeof Verb.GuideRestart }
  | { verb: typeof Verb.GuideResume }
  | { verb: typeof Verb.GuideNext; from: StepId }
  | { verb: typeof Verb.GuideBack; from: StepId }
  | { verb: typeof Verb.GuideStuck; from?: StepId }
  | { verb: typeof Verb.GuideChoose; from: StepId; choice: Choice }
  | { verb: typeof Verb.Ask; intent: Intent }
  | { verb: typeof Verb.StatusFix; step: StepId; first?: FirstMethod }
  | { verb: typeof Verb.NudgeSnooze; campaign: string; nudge: string }
  | ({ verb: typeof Verb.HelpStep; view: HelpView } & HelpDraft)
  | ({ verb: typeof Verb.HelpSend; words?: string } & HelpDraft)
  | { verb: typeof Verb.SupportCodeShow };

/** Data attached to a card button: exactly what `parseCardAction` accepts back. */
export type ActionData = CardAction;

export type ParsedAction =
  { ok: true; action: CardAction } | { ok: false; problem: 'noVerb' | 'unknownVerb' | 'badPayload' };

const verbNames: ReadonlySet<string> = new Set(Object.values(Verb));

/** Parses the `value` of an Action.Submit or the `data` of an Action.Execute. Never throws. */
export function parseCardAction(raw: unknown): ParsedAction {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problem: 'noVerb' };
  const verb = (raw as { verb?: unknown }).verb;
  if (typeof verb !== 'string') return { ok: false, problem: 'noVerb' };
  if (!verbNames.has(verb)) return { ok: false, problem: 'unknownVerb' };
  const schema = payloadSchemas[verb as VerbName];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: 'badPayload' };
  return { ok: true, action: { ...(parsed.data as object), verb } as CardAction };
}

/** Every verb name, for checks that each card action is one the bot knows. */
export function isKnownVerb(verb: unknown): boolean {
  return typeof verb === 'string' && verbNames.has(verb);
}
