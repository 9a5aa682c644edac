/**
 * The conversation: turns what a user did (installed the app, typed something, pressed a button) into
 * cards, and keeps their guide progress. Knows nothing of botbuilder: the Teams transport hands it
 * commands and sends back the replies.
 */
import { randomBytes } from 'node:crypto';
import { applyGuideEvent, NEW_PROGRESS, type GuideEvent, type GuideProgress } from '../domain/guide/progress';
import { isFinishedStep, isMidGuide, type StepId } from '../domain/guide/steps';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import { understand, type Intent } from '../domain/text/intents';
import type { SensitiveKind } from '../domain/text/screening';
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { StoredUserProgress, UserProgressStore } from '../ports/userProgressStore';
import { ConcurrencyError } from '../ports/versioned';
import {
  buttonProblemCard,
  helloAgainCard,
  lostPhoneCard,
  newPhoneCard,
  notUnderstoodCard,
  progressCard,
  resumeCard,
  sensitiveCard,
  thanksCard,
  whatIsThisCard,
} from './answerCards';
import { guideCard, welcomeCard } from './guideCards';
import { helpStartCard, helpViewCard } from './helpCards';
import { parseVerify, type HelpReplies } from './helpReplies';
import type { StatusReplies, StatusRequest } from './statusReplies';
import type { NudgeReplies } from './nudgeReplies';
import { cannotSnoozeCard } from './nudgeCards';
import { parseCardAction, Verb, type CardAction } from './verbs';
import { viewContextAt, type ViewContext } from './wording';

/** Who is talking. `firstName` is for greetings only: it is never stored or logged. */
export interface UserTurn {
  userId: string;
  firstName?: string;
}

/** What the user did, as the transport understood it. */
export type Command =
  | { kind: 'installed' }
  | { kind: 'text'; text: string }
  /** A card submit or execute: `data` is untrusted until parsed. */
  | { kind: 'action'; data: unknown };

/** What to send back, in order. */
export type Reply = { kind: 'card'; card: AdaptiveCardJson };

/** Install events arrive in pairs (installationUpdate and conversationUpdate): greet once. */
const WELCOME_DEDUPE_MS = 60_000;
/** Attempts at a read-modify-write before giving up on a busy record. */
const MAX_WRITE_ATTEMPTS = 5;

interface Outcome {
  /** The new progress to store, or undefined to leave the record as it is. */
  next?: GuideProgress & { welcomedAt?: string };
  cards: AdaptiveCardJson[];
}

export interface ConversationServiceDeps {
  policy: SchoolPolicy;
  clock: Clock;
  progress: UserProgressStore;
  log: Logger;
  /** Answers "status" and "I've done it" from Microsoft Graph; without it, the guide's own progress card. */
  status?: StatusReplies;
  /** Answers "Remind me later" on a campaign nudge; without it, the snooze is refused politely. */
  nudges?: NudgeReplies;
  /** Sends help requests to the desk, shows support codes, answers the desk's `verify`. */
  help?: HelpReplies;
  /** A fresh id for each help flow (one escalation per flow, however often it is sent). */
  newFormId?: () => string;
}

/** A command as understood: typed text matched to an intent, a card submit parsed by its verb's schema. */
type Understood =
  | { kind: 'installed' }
  | { kind: 'intent'; intent: Intent }
  | { kind: 'sensitive'; found: SensitiveKind[] }
  | { kind: 'unknown' }
  | { kind: 'action'; action: CardAction }
  | { kind: 'badAction' };

/** The status request a command makes, if any ("status", "I've done it", their buttons). */
function statusRequestOf(understood: Understood): StatusRequest | undefined {
  const intent =
    understood.kind === 'intent'
      ? understood.intent
      : understood.kind === 'action' && understood.action.verb === Verb.Ask
        ? understood.action.intent
        : undefined;
  return intent === 'status' || intent === 'done' ? intent : undefined;
}

export class ConversationService {
  constructor(private readonly deps: ConversationServiceDeps) {}

  private newFormId(): string {
    return this.deps.newFormId?.() ?? randomBytes(9).toString('base64url');
  }

  /** Handles one command and returns the cards to send. Never throws for bad user input. */
  async handle(user: UserTurn, command: Command): Promise<Reply[]> {
    const ctx = viewContextAt(this.deps.policy, this.deps.clock.now(), user.firstName);
    const verify = command.kind === 'text' && this.deps.help ? parseVerify(command.text) : undefined;
    // Before intents: the code in it would read as "sensitive". What was typed is never logged.
    const verifyCards = verify && (await this.deps.help?.verify(user.userId, verify));
    if (verifyCards) {
      this.deps.log.debug({ userId: user.userId, command: 'verify' }, 'text understood');
      return verifyCards.map((card) => ({ kind: 'card', card }));
    }
    const understood = this.understandCommand(command, user.userId);
    const helpCards = await this.helpAnswer(user.userId, understood, ctx);
    if (helpCards) return helpCards.map((card) => ({ kind: 'card', card }));
    const statusRequest = statusRequestOf(understood);
    if (statusRequest && this.deps.status) {
      // Read-only: asking for status does not move the guide.
      const stored = await this.deps.progress.get(user.userId);
      const cards = await this.deps.status.answer(user.userId, statusRequest, ctx, stored?.value);
      return cards.map((card) => ({ kind: 'card', card }));
    }
    if (understood.kind === 'action' && understood.action.verb === Verb.NudgeSnooze && this.deps.nudges) {
      // A snooze changes the campaign ledger, not the guide.
      const stored = await this.deps.progress.get(user.userId);
      const { campaign, nudge } = understood.action;
      const cards = await this.deps.nudges.snooze(user.userId, { campaign, nudge }, ctx, stored?.value);
      return cards.map((card) => ({ kind: 'card', card }));
    }
    const cards = await this.updateProgress(user.userId, (current) => this.decide(understood, current, ctx));
    return cards.map((card) => ({ kind: 'card', card }));
  }

  /** Sending a help request and showing a support code (both read-only for the guide). */
  private async helpAnswer(
    userId: string,
    understood: Understood,
    ctx: ViewContext,
  ): Promise<AdaptiveCardJson[] | undefined> {
    const help = this.deps.help;
    if (!help) return undefined;
    const action = understood.kind === 'action' ? understood.action : undefined;
    const wantsCode =
      action?.verb === Verb.SupportCodeShow ||
      (action?.verb === Verb.Ask && action.intent === 'supportCode') ||
      (understood.kind === 'intent' && understood.intent === 'supportCode');
    if (!wantsCode && action?.verb !== Verb.HelpSend) return undefined;
    const stored = (await this.deps.progress.get(userId))?.value;
    if (action?.verb === Verb.HelpSend) return help.send(userId, action, stored, ctx);
    return help.supportCode(userId, stored);
  }

  /** Reads text and card data into something the bot understands; logs intents and verbs, never text. */
  private understandCommand(command: Command, userId: string): Understood {
    // Ids go into each entry rather than a child logger: a child per turn costs more than the turn's logging.
    const log = this.deps.log;
    switch (command.kind) {
      case 'installed':
        return { kind: 'installed' };
      case 'text': {
        const understood = understand(command.text);
        if (understood.intent === 'sensitive') {
          // The kinds found, never the text.
          log.info({ userId, intent: 'sensitive', found: understood.found }, 'text refused');
          return { kind: 'sensitive', found: understood.found };
        }
        log.debug({ userId, intent: understood.intent }, 'text understood');
        if (understood.intent === 'unknown') return { kind: 'unknown' };
        return { kind: 'intent', intent: understood.intent };
      }
      case 'action': {
        const parsed = parseCardAction(command.data);
        if (!parsed.ok) {
          log.warn({ userId, problem: parsed.problem }, 'card action rejected');
          return { kind: 'badAction' };
        }
        log.debug({ userId, verb: parsed.action.verb }, 'card action');
        return { kind: 'action', action: parsed.action };
      }
    }
  }

  /**
   * Read, decide, write with the etag; on a lost race decide again from the fresh record. Deciding is pure,
   * so a retry sends nothing twice: cards are returned only from the attempt that was stored.
   */
  private async updateProgress(
    userId: string,
    decide: (current: StoredUserProgress | undefined) => Outcome,
  ): Promise<AdaptiveCardJson[]> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.deps.progress.get(userId);
      const outcome = decide(stored?.value);
      if (!outcome.next) return outcome.cards;
      const value: StoredUserProgress = { ...outcome.next, updatedAt: this.deps.clock.now().toISOString() };
      try {
        await this.deps.progress.put(userId, value, stored?.etag);
        return outcome.cards;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
        this.deps.log.debug({ userId, attempt }, 'progress write conflict; retrying');
      }
    }
  }

  private decide(understood: Understood, current: StoredUserProgress | undefined, ctx: ViewContext): Outcome {
    switch (understood.kind) {
      case 'installed':
        return this.onInstalled(current, ctx);
      case 'sensitive':
        return { cards: [sensitiveCard(understood.found, current, ctx)] };
      case 'unknown':
        return { cards: [notUnderstoodCard(current)] };
      case 'intent':
        return this.onIntent(understood.intent, current, ctx);
      case 'badAction':
        return { cards: [buttonProblemCard(current, 'broken')] };
      case 'action':
        return this.onAction(understood.action, current, ctx);
    }
  }

  private onInstalled(current: StoredUserProgress | undefined, ctx: ViewContext): Outcome {
    const now = this.deps.clock.now();
    if (!current)
      return { next: { ...NEW_PROGRESS, welcomedAt: now.toISOString() }, cards: [welcomeCard(ctx)] };
    const last = current.welcomedAt ? Date.parse(current.welcomedAt) : 0;
    if (now.getTime() - last < WELCOME_DEDUPE_MS) return { cards: [] };
    return { next: { ...current, welcomedAt: now.toISOString() }, cards: [this.greeting(current, ctx)] };
  }

  private greeting(current: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
    if (!current || current.step === 'welcome') return welcomeCard(ctx);
    if (isFinishedStep(current.step)) return helloAgainCard(ctx);
    return resumeCard(current, ctx);
  }

  private onIntent(intent: Intent, current: StoredUserProgress | undefined, ctx: ViewContext): Outcome {
    switch (intent) {
      case 'greeting':
        return current ? { cards: [this.greeting(current, ctx)] } : this.onInstalled(current, ctx);
      case 'start':
        if (current && isMidGuide(current.step)) return { cards: [resumeCard(current, ctx)] };
        return this.applyEvent(
          { type: current && isFinishedStep(current.step) ? 'restart' : 'start' },
          current,
          ctx,
        );
      case 'restart':
        return this.applyEvent({ type: 'restart' }, current, ctx);
      case 'resume':
        return { cards: [current ? guideCard(current.step, current, ctx) : welcomeCard(ctx)] };
      case 'status':
      case 'done':
        return { cards: [progressCard(current, ctx)] };
      case 'help':
        return this.applyEvent({ type: 'stuck', from: current?.step ?? 'welcome' }, current, ctx);
      case 'noSmartphone':
        return { cards: [guideCard('noSmartphone', current ?? NEW_PROGRESS, ctx)] };
      case 'newPhone':
        return { cards: [newPhoneCard(current, ctx)] };
      case 'lostPhone':
        return { cards: [lostPhoneCard(current, ctx)] };
      case 'whatIsThis':
        return { cards: [whatIsThisCard(current, ctx)] };
      case 'thanks':
        return { cards: [thanksCard(current)] };
      case 'supportCode':
        // Answered by HelpReplies; without it (no support codes configured) there is nothing to show.
        return { cards: [notUnderstoodCard(current)] };
    }
  }

  private onAction(action: CardAction, current: StoredUserProgress | undefined, ctx: ViewContext): Outcome {
    switch (action.verb) {
      case Verb.GuideStart:
        return this.applyEvent({ type: 'start' }, current, ctx);
      case Verb.GuideRestart:
        return this.applyEvent({ type: 'restart' }, current, ctx);
      case Verb.GuideResume:
        return this.onIntent('resume', current, ctx);
      case Verb.GuideNext:
        return this.applyEvent({ type: 'next', from: action.from }, current, ctx);
      case Verb.GuideBack:
        return this.applyEvent({ type: 'back', from: action.from }, current, ctx);
      case Verb.GuideChoose:
        return this.applyEvent({ type: 'choose', from: action.from, choice: action.choice }, current, ctx);
      case Verb.GuideStuck:
        return this.applyEvent(
          { type: 'stuck', from: action.from ?? current?.step ?? 'welcome' },
          current,
          ctx,
        );
      case Verb.Ask:
        return this.onIntent(action.intent, current, ctx);
      case Verb.StatusFix:
        return this.applyEvent({ type: 'goto', to: action.step, first: action.first }, current, ctx);
      case Verb.NudgeSnooze:
        return { cards: [cannotSnoozeCard('over', current, ctx)] };
      case Verb.HelpStep: {
        const { formId, from, category, way, day, part } = action;
        const draft = { formId, from, category, way, day, part };
        return { cards: [helpViewCard(action.view, draft, current, ctx)] };
      }
      case Verb.HelpSend:
      case Verb.SupportCodeShow:
        // Answered by HelpReplies before deciding; only reached when it is not configured.
        return { cards: [buttonProblemCard(current, 'broken')] };
    }
  }

  /** Moves the guide and answers with the card of the new step (or the help card for "stuck"). */
  private applyEvent(event: GuideEvent, current: StoredUserProgress | undefined, ctx: ViewContext): Outcome {
    const base: StoredUserProgress = current ?? { ...NEW_PROGRESS, updatedAt: '' };
    const result = applyGuideEvent(base, event, ctx.methods);
    if (!result.ok) {
      const from: StepId = 'from' in event ? event.from : base.step;
      const cards =
        result.reason === 'notOffered'
          ? [buttonProblemCard(current, 'notOffered'), guideCard(from, base, ctx)]
          : [guideCard(base.step, base, ctx)];
      return { cards };
    }
    // Restart returns a fresh record; keep only when the user was last greeted.
    const next = { ...result.progress, welcomedAt: base.welcomedAt };
    const card =
      event.type === 'stuck'
        ? helpStartCard({ formId: this.newFormId(), from: event.from }, ctx)
        : guideCard(next.step, next, ctx);
    return { next, cards: [card] };
  }
}
