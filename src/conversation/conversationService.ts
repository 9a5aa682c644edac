/**
 * The conversation: turns what a user did (installed the app, typed something, pressed a button) into
 * cards, and keeps their guide progress. Knows nothing of botbuilder: the Teams transport hands it
 * commands and sends back the replies. What each verb and intent does is the features' (src/features/);
 * this builds their router and gives each turn its view of the user's progress.
 */
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { StoredUserProgress, UserProgressStore } from '../ports/userProgressStore';
import { ConcurrencyError } from '../ports/versioned';
import { registerCampaign } from '../features/campaign/campaignFeature';
import type { NudgeReplies } from '../features/campaign/nudgeReplies';
import { registerCardRefresh } from '../features/cardRefresh/cardRefreshFeature';
import type { CardRefreshReplies } from '../features/cardRefresh/cardRefreshReplies';
import { guideInstalled, registerGuide } from '../features/guide/guideFeature';
import { registerHelp } from '../features/help/helpFeature';
import type { HelpReplies } from '../features/help/helpReplies';
import { registerItView } from '../features/itView/itViewFeature';
import type { ItViewReplies } from '../features/itView/itViewReplies';
import { Router, type Command, type Outcome, type Turn } from '../features/router';
import { registerAsk } from '../features/shared/askFeature';
import { buttonProblemCard, notUnderstoodCard, sensitiveCard } from '../features/shared/answerCards';
import { viewContextAt } from '../features/shared/wording';
import { registerStatus } from '../features/status/statusFeature';
import type { StatusReplies } from '../features/status/statusReplies';
import { registerSupportCodes } from '../features/supportCodes/supportCodeFeature';
import type { TemporaryAccessPassReplies } from '../features/supportCodes/temporaryAccessPassReplies';
import { VERB_NAMES } from '../features/verbs';
import { registerLanguage } from '../features/language/languageFeature';
import { packageCatalogues, type Catalogues } from '../i18n/catalogue';
import type { Versioned } from '../ports/versioned';

export type { Command } from '../features/router';

/** Who is talking. `firstName` is for greetings only: it is never stored or logged. */
export interface UserTurn {
  userId: string;
  firstName?: string;
  /** The language Teams says the user has (`pl-PL`); a language chosen on the language card wins over it. */
  locale?: string;
}

/** What to send back, in order. */
export type Reply = { kind: 'card'; card: AdaptiveCardJson };

/** Attempts at a read-modify-write before giving up on a busy record. */
const MAX_WRITE_ATTEMPTS = 5;

export interface ConversationServiceDeps {
  policy: SchoolPolicy;
  clock: Clock;
  progress: UserProgressStore;
  log: Logger;
  /** Answers "status" and "I've done it" from Microsoft Graph; without it, the guide's own progress card. */
  status?: StatusReplies;
  /** Answers "Remind me later" on a campaign nudge; without it, the snooze is refused politely. */
  nudges?: NudgeReplies;
  /** Builds a status card or a nudge again when Teams shows it (its refresh); without it, cards stay as sent. */
  cardRefresh?: CardRefreshReplies;
  /** Sends help requests to the desk, shows support codes, answers the desk's `verify`. */
  help?: HelpReplies;
  /** The desk's Temporary Access Pass (`tap <upn>` and the pass buttons); without it, neither exists. */
  passes?: TemporaryAccessPassReplies;
  /** `progress` for IT staff (the overview card); without it, `progress` is only the user's own status. */
  itView?: ItViewReplies;
  /** A fresh id for each help flow (one escalation per flow, however often it is sent). */
  newFormId?: () => string;
  /** The languages the bot speaks (default: the package's `locales/`). */
  catalogues?: Catalogues;
}

export class ConversationService {
  private readonly router: Router;
  private readonly catalogues: Catalogues;

  constructor(private readonly deps: ConversationServiceDeps) {
    this.catalogues = deps.catalogues ?? packageCatalogues(deps.policy.school.timeZone);
    const router = new Router(deps.log, {
      installed: guideInstalled(deps.clock),
      sensitive: (found, turn) =>
        turn.update((current) => ({ cards: [sensitiveCard(found, current, turn.ctx)] })),
      unknown: (turn) => turn.update((current) => ({ cards: [notUnderstoodCard(current, turn.ctx.t)] })),
      badAction: (turn) =>
        turn.update((current) => ({ cards: [buttonProblemCard(current, 'broken', turn.ctx.t)] })),
    });
    registerGuide(router, deps);
    registerStatus(router, deps);
    registerHelp(router, deps);
    registerSupportCodes(router, deps);
    registerItView(router, deps);
    registerCampaign(router, deps);
    registerCardRefresh(router, deps);
    registerLanguage(router, { catalogues: this.catalogues });
    registerAsk(router);
    router.assertComplete(VERB_NAMES);
    this.router = router;
  }

  /** Handles one command and returns the cards to send. Never throws for bad user input. */
  async handle(user: UserTurn, command: Command): Promise<Reply[]> {
    const { userId } = user;
    // Read once: the remembered language decides the words of the whole turn, and the first write reuses it.
    const stored = await this.deps.progress.get(userId);
    const locale = this.catalogues.localeOf(stored?.value.language, user.locale);
    const turn: Turn = {
      userId,
      ctx: viewContextAt(
        this.deps.policy,
        this.deps.clock.now(),
        user.firstName,
        this.catalogues.translatorFor(locale),
      ),
      progress: () => Promise.resolve(stored?.value),
      update: (decide) => this.updateProgress(userId, decide, stored),
    };
    const cards = await this.router.route(command, turn);
    return cards.map((card) => ({ kind: 'card', card }));
  }

  /**
   * Read, decide, write with the etag; on a lost race decide again from the fresh record. Deciding is pure,
   * so a retry sends nothing twice: cards are returned only from the attempt that was stored.
   */
  private async updateProgress(
    userId: string,
    decide: (current: StoredUserProgress | undefined) => Outcome,
    readAtStart: Versioned<StoredUserProgress> | undefined,
  ): Promise<AdaptiveCardJson[]> {
    for (let attempt = 1; ; attempt++) {
      // The turn's own read first: if it is stale the etag refuses the write and the next attempt reads afresh.
      const stored = attempt === 1 ? readAtStart : await this.deps.progress.get(userId);
      const outcome = decide(stored?.value);
      if (!outcome.next) return outcome.cards;
      // A chosen language stays through every move of the guide (a restart included).
      const language = outcome.next.language ?? stored?.value.language;
      const value: StoredUserProgress = {
        ...outcome.next,
        ...(language ? { language } : {}),
        updatedAt: this.deps.clock.now().toISOString(),
      };
      try {
        await this.deps.progress.put(userId, value, stored?.etag);
        return outcome.cards;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
        this.deps.log.debug({ userId, attempt }, 'progress write conflict; retrying');
      }
    }
  }
}
