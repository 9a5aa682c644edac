/**
 * One router for every feature. A feature registers its card verbs (each with the zod schema of its payload
 * and a handler that receives the parsed, typed payload), the typed intents it answers, and any typed command
 * that must be read before intents (the desk's `verify`). The router parses what the user did, logs what it
 * understood (verbs and intents, never text), and dispatches: adding a verb is a change in one feature.
 */
import { z } from 'zod';
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { GuideProgress } from '../domain/guide/progress';
import { INTENTS, understand, type Intent } from '../domain/text/intents';
import type { SensitiveKind } from '../domain/text/screening';
import type { Logger } from '../logging/logger';
import type { StoredUserProgress } from '../ports/userProgressStore';
import type { ViewContext } from './shared/wording';

/** The schema of one verb's payload. Unknown extra fields (Teams adds some) are dropped, not trusted. */
export type PayloadSchema = z.ZodObject;
/** A feature's verbs: verb name → payload schema. */
export type VerbSchemas = Record<string, PayloadSchema>;
/** A verb's action as parsed: `{ verb, ...payload }`, typed from its schema. */
export type ParsedActionOf<S extends VerbSchemas> = {
  [V in keyof S & string]: { verb: V } & z.output<S[V]>;
}[keyof S & string];
/** The data a button of these verbs carries (zod types an empty payload as a record of nothing). */
export type ActionOf<S extends VerbSchemas> = {
  [V in keyof S & string]: { verb: V } & (string extends keyof z.output<S[V]> ? unknown : z.output<S[V]>);
}[keyof S & string];

/** What deciding on the guide progress came to: the record to store (if any) and the cards to send. */
export interface Outcome {
  /** The new progress to store, or undefined to leave the record as it is. */
  next?: GuideProgress & { welcomedAt?: string; language?: string };
  cards: AdaptiveCardJson[];
}

/** One user's turn, as a handler sees it. */
export interface Turn {
  readonly userId: string;
  readonly ctx: ViewContext;
  /** The user's stored guide progress, for answers that do not move the guide. */
  progress(): Promise<StoredUserProgress | undefined>;
  /**
   * Read, decide, write with the etag; on a lost race `decide` runs again on the fresh record. It must be
   * pure: cards are sent only from the attempt that was stored.
   */
  update(decide: (current: StoredUserProgress | undefined) => Outcome): Promise<AdaptiveCardJson[]>;
}

export type Cards = Promise<AdaptiveCardJson[]>;
export type VerbHandler<A> = (action: A, turn: Turn) => Cards;
export type IntentHandler = (turn: Turn) => Cards;
/** A typed command read before intents; undefined when the text is not this command. */
export type TextCommand = (text: string, turn: Turn) => Promise<AdaptiveCardJson[] | undefined>;

/** What the user did, as the transport understood it. */
export type Command =
  | { kind: 'installed' }
  | { kind: 'text'; text: string }
  /**
   * A card submit or execute: `data` is untrusted until parsed. `invoked`: it came as an `adaptiveCard/action`
   * invoke (Action.Execute, or a card's refresh), whose answer replaces the card.
   */
  | { kind: 'action'; data: unknown; invoked?: boolean };

/** Answers to what no feature handles: install, words that matter to no one, a button that is broken. */
export interface RouterDefaults {
  installed: IntentHandler;
  sensitive: (found: SensitiveKind[], turn: Turn) => Cards;
  unknown: IntentHandler;
  badAction: IntentHandler;
}

export type ActionProblem = 'noVerb' | 'unknownVerb' | 'badPayload';

export interface VerbOptions {
  /**
   * Only Teams itself sends this verb, as an invoke (a card's refresh), and its answer replaces a card the user
   * did not press: sent any other way it is no button of the bot's (the broken-button answer); invoked with a
   * payload the bot cannot read, it gets no card, so the card shown stays as it is.
   */
  invokeOnly?: boolean;
}

/** Parses card data against a verb's schema: `{ verb, ...payload }` typed from it, or why not. Never throws. */
export function parseAgainst<S extends VerbSchemas>(
  schemas: S,
  raw: unknown,
): { ok: true; action: ParsedActionOf<S> } | { ok: false; problem: ActionProblem } {
  const verb = verbOf(raw);
  if (verb === undefined) return { ok: false, problem: 'noVerb' };
  if (!Object.hasOwn(schemas, verb)) return { ok: false, problem: 'unknownVerb' };
  return parseVerb(schemas, verb, raw);
}

function parseVerb<S extends VerbSchemas, V extends keyof S & string>(
  schemas: S,
  verb: V,
  raw: unknown,
): { ok: true; action: { verb: V } & z.output<S[V]> } | { ok: false; problem: 'badPayload' } {
  const schema: S[V] = schemas[verb];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: 'badPayload' };
  return { ok: true, action: { ...parsed.data, verb } };
}

function verbOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('verb' in raw)) return undefined;
  return typeof raw.verb === 'string' ? raw.verb : undefined;
}

/** A registered verb: its payload parsed and handled in one closure, so no payload type is ever cast. */
type Route = (
  raw: unknown,
  invoked: boolean,
) => { ok: true; run: (turn: Turn) => Cards } | { ok: false; problem: 'badPayload' | 'notInvoked' };

export class Router {
  private readonly verbs = new Map<string, Route>();
  /** Verbs registered `invokeOnly`. */
  private readonly invokeOnly = new Set<string>();
  private readonly intents = new Map<Intent, IntentHandler>();
  private readonly textCommands: { name: string; run: TextCommand }[] = [];

  constructor(
    private readonly log: Logger,
    private readonly defaults: RouterDefaults,
  ) {}

  /** Registers one verb of a feature's schemas with its handler. */
  verb<S extends VerbSchemas, V extends keyof S & string>(
    schemas: S,
    verb: V,
    handler: VerbHandler<{ verb: V } & z.output<S[V]>>,
    options: VerbOptions = {},
  ): this {
    if (this.verbs.has(verb)) throw new Error(`verb ${verb} registered twice`);
    if (options.invokeOnly) this.invokeOnly.add(verb);
    this.verbs.set(verb, (raw, invoked) => {
      if (options.invokeOnly && !invoked) return { ok: false, problem: 'notInvoked' };
      const parsed = parseVerb(schemas, verb, raw);
      return parsed.ok ? { ok: true, run: (turn) => handler(parsed.action, turn) } : parsed;
    });
    return this;
  }

  /** Registers the answer to a typed intent (and to the `ask` buttons that stand for it). */
  intent(intent: Intent, handler: IntentHandler): this {
    if (this.intents.has(intent)) throw new Error(`intent ${intent} registered twice`);
    this.intents.set(intent, handler);
    return this;
  }

  /** Registers a typed command read before intents; `name` is what the log says was understood. */
  textCommand(name: string, run: TextCommand): this {
    this.textCommands.push({ name, run });
    return this;
  }

  /** Fails fast when a verb the cards can carry, or an intent the text reader knows, has no handler. */
  assertComplete(verbs: readonly string[]): void {
    const missing = [
      ...verbs.filter((verb) => !this.verbs.has(verb)),
      ...INTENTS.filter((intent) => !this.intents.has(intent)),
    ];
    if (missing.length > 0) throw new Error(`no handler for ${missing.join(', ')}`);
  }

  /** The answer to an intent, typed or from a button. */
  answer(intent: Intent, turn: Turn): Cards {
    const handler = this.intents.get(intent);
    if (!handler) throw new Error(`no handler for intent ${intent}`);
    return handler(turn);
  }

  /** Handles one command. Logs intents, verbs and problems with ids; never what was typed. */
  async route(command: Command, turn: Turn): Cards {
    // Ids go into each entry rather than a child logger: a child per turn costs more than the turn's logging.
    const { userId } = turn;
    switch (command.kind) {
      case 'installed':
        return this.defaults.installed(turn);
      case 'text': {
        for (const { name, run } of this.textCommands) {
          const cards = await run(command.text, turn);
          if (cards) {
            this.log.debug({ userId, command: name }, 'text understood');
            return cards;
          }
        }
        // The user's language's words, and English ones always.
        const understood = understand(command.text, turn.ctx.t.lexicon);
        if (understood.intent === 'sensitive') {
          // The kinds found, never the text.
          this.log.info({ userId, intent: 'sensitive', found: understood.found }, 'text refused');
          return this.defaults.sensitive(understood.found, turn);
        }
        this.log.debug({ userId, intent: understood.intent }, 'text understood');
        if (understood.intent === 'unknown') return this.defaults.unknown(turn);
        return this.answer(understood.intent, turn);
      }
      case 'action': {
        const verb = verbOf(command.data);
        const route = verb === undefined ? undefined : this.verbs.get(verb);
        const routed = route?.(command.data, command.invoked === true);
        if (!routed?.ok) {
          const problem = routed?.problem ?? (verb === undefined ? 'noVerb' : 'unknownVerb');
          this.log.warn({ userId, problem }, 'card action rejected');
          if (command.invoked && verb !== undefined && this.invokeOnly.has(verb)) return [];
          return this.defaults.badAction(turn);
        }
        this.log.debug({ userId, verb }, 'card action');
        return routed.run(turn);
      }
    }
  }
}
