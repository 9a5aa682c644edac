/**
 * A Bot Connector stand-in that answers the bot's sends (POST /v3/conversations/:id/activities[/:replyTo])
 * and card updates (PUT /v3/conversations/:id/activities/:activityId) over plain HTTP on 127.0.0.1 the way
 * Teams does:
 * - with `requireToken`, a send without a bearer token the bot's login issued is refused 401;
 * - the per-app limit (50 requests per second) and the per-conversation limits (7 per 1 s, 8 per 2 s, 60 per
 *   30 s, 1,800 per hour) answer 429 with Retry-After (`rateLimits: false` turns them off);
 * - with `knownConversations`, a send to a conversation it does not know (the app was uninstalled) answers
 *   404 ConversationNotFound;
 * - a conversation that is blocked answers 403 with Teams' code (the user blocked the bot, writes are
 *   blocked, the admin disabled the bot);
 * - occasional 5xx (seeded, so a failing run can be repeated);
 * - an update of a message this conversation never received answers 404 (updates count in the limits too).
 * It keeps what each conversation received (`keepActivities: false` keeps counts only: the 100,000-user
 * benchmark) and counts every refusal. Faults for single requests go through `server.failNext`.
 */
import type { Activity } from 'botbuilder';
import { StandInServer, type StandInRequest, type StandInResponse } from './standInServer';
import { until } from './until';

export interface Window {
  limit: number;
  windowMs: number;
}

/** Why Teams refuses every send to a conversation with 403 (Teams' error codes). */
export type BlockCode = 'ConversationBlockedByUser' | 'MessageWritesBlocked' | 'BotDisabledByAdmin';

const BLOCK_MESSAGES: Record<BlockCode, string> = {
  ConversationBlockedByUser: 'User blocked the conversation with the bot.',
  MessageWritesBlocked: 'Thread is blocked for writes.',
  BotDisabledByAdmin: 'The tenant admin disabled this bot.',
};

/** What a send must carry: a bearer token with these claims, and/or one `verify` accepts. */
export interface TokenRequirement {
  audience?: string;
  issuer?: string;
  verify?: (authorization: string) => boolean;
}

export interface ConnectorOptions {
  /** Per app (all conversations together): Teams allows 50 per second. */
  app?: Window;
  perConversation?: readonly Window[];
  /** `false` answers every send that passes the other checks (no 429 from the limits). Default on. */
  rateLimits?: boolean;
  /** Refuse sends without a valid bearer token with 401, as the real connector does. */
  requireToken?: TokenRequirement;
  /** When given, only these conversations (and those added later) exist; others answer 404. */
  knownConversations?: Iterable<string>;
  /** Conversations refused with 403: ids (the user blocked the bot) or id → Teams' code. */
  blocked?: Iterable<string> | ReadonlyMap<string, BlockCode>;
  /** Share of requests answered with a 5xx (0–1). */
  failureRate?: number;
  seed?: number;
  /** Seconds sent in Retry-After. */
  retryAfterSeconds?: number;
  keepActivities?: boolean;
  /** Awaited when a send has arrived whole, before it is answered (to look at what the bot stored by then). */
  onArrival?: (conversationId: string) => void | Promise<void>;
}

export const TEAMS_LIMITS = {
  app: { limit: 50, windowMs: 1000 },
  perConversation: [
    { limit: 7, windowMs: 1000 },
    { limit: 8, windowMs: 2000 },
    { limit: 60, windowMs: 30_000 },
    { limit: 1800, windowMs: 3_600_000 },
  ],
} as const;

/** Sliding windows of arrival times. */
class Windows {
  private readonly times: number[] = [];
  constructor(private readonly windows: readonly Window[]) {}
  admit(now: number): boolean {
    const longest = Math.max(...this.windows.map((w) => w.windowMs));
    while (this.times.length > 0 && this.times[0]! <= now - longest) this.times.shift();
    for (const w of this.windows) {
      let n = 0;
      for (let i = this.times.length - 1; i >= 0 && this.times[i]! > now - w.windowMs; i--) n++;
      if (n >= w.limit) return false;
    }
    this.times.push(now);
    return true;
  }
}

/** A small deterministic generator (mulberry32), so a failing run can be repeated. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The claims of a JWT, unverified (the login stand-in's `verify` is what vouches for the token). */
function claimsOf(token: string): Record<string, unknown> | undefined {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as unknown;
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A message the bot replaced (its card brought up to date). */
export interface UpdatedActivity {
  conversationId: string;
  activityId: string;
  at: number;
  activity: Partial<Activity>;
}

export interface ReceivedActivity {
  conversationId: string;
  /** The id the message was given (what an update names). */
  id: string;
  replyToId?: string;
  /** When it was accepted (ms). */
  at: number;
  activity: Partial<Activity>;
}

export class ConnectorStandIn {
  /** Accepted activities, in order (empty with `keepActivities: false`). */
  readonly received: ReceivedActivity[] = [];
  /** Accepted updates of earlier messages, in order. */
  readonly updated: UpdatedActivity[] = [];
  /** The conversation each accepted message is in, by the id it was given. */
  private readonly messages = new Map<string, string>();
  /** Messages accepted, per conversation. */
  readonly delivered = new Map<string, number>();
  readonly refused = {
    unauthorized: 0,
    appLimit: 0,
    conversationLimit: 0,
    notFound: 0,
    blocked: 0,
    serverError: 0,
  };
  /** Times (ms) of accepted messages, for rates. */
  readonly acceptedAt: number[] = [];
  private readonly app: Windows;
  private readonly conversations = new Map<string, Windows>();
  private readonly known: Set<string> | undefined;
  private readonly blocked = new Map<string, BlockCode>();
  private readonly rnd: () => number;

  private constructor(
    readonly server: StandInServer,
    private readonly options: ConnectorOptions,
  ) {
    this.app = new Windows([options.app ?? TEAMS_LIMITS.app]);
    this.known = options.knownConversations ? new Set(options.knownConversations) : undefined;
    if (options.blocked instanceof Map) {
      for (const [id, code] of options.blocked as ReadonlyMap<string, BlockCode>) this.blocked.set(id, code);
    } else {
      for (const id of (options.blocked ?? []) as Iterable<string>)
        this.blocked.set(id, 'ConversationBlockedByUser');
    }
    this.rnd = random(options.seed ?? 1);
    const handler = async (req: StandInRequest) => {
      await options.onArrival?.(req.params.conversationId!);
      return this.accept(req);
    };
    server.route('POST', '/v3/conversations/:conversationId/activities', handler);
    server.route('POST', '/v3/conversations/:conversationId/activities/:replyToId', handler);
    server.route('PUT', '/v3/conversations/:conversationId/activities/:activityId', async (req) => {
      await options.onArrival?.(req.params.conversationId!);
      return this.accept(req, 'update');
    });
  }

  static async start(options: ConnectorOptions = {}): Promise<ConnectorStandIn> {
    return new ConnectorStandIn(await StandInServer.start({ tls: false }), options);
  }

  /** The serviceUrl to put in activities so that replies come here. */
  get serviceUrl(): string {
    return `${this.server.url}/`;
  }

  /** The app is installed in `conversationId` (only matters with `knownConversations`). */
  addConversation(conversationId: string): void {
    this.known?.add(conversationId);
  }

  /** The app was uninstalled from `conversationId`: sends there answer 404 from now on. */
  removeConversation(conversationId: string): void {
    if (!this.known) throw new Error('connector stand-in: removeConversation needs knownConversations');
    this.known.delete(conversationId);
  }

  /** Refuses every send to `conversationId` with 403 and Teams' `code`, from now on. */
  block(conversationId: string, code: BlockCode = 'ConversationBlockedByUser'): void {
    this.blocked.set(conversationId, code);
  }

  /** The user of this conversation unblocked the bot. */
  unblock(conversationId: string): void {
    this.blocked.delete(conversationId);
  }

  /** Every 429 the stand-in answered. */
  get throttled(): number {
    return this.refused.appLimit + this.refused.conversationLimit;
  }

  /** Total accepted messages. */
  get total(): number {
    return this.acceptedAt.length;
  }

  /** Activities received by `conversationId`, in order. */
  activitiesIn(conversationId: string): Partial<Activity>[] {
    return this.received.filter((r) => r.conversationId === conversationId).map((r) => r.activity);
  }

  /**
   * Waits until `predicate` holds (it may look at other things too: a bot process that exited), or fails
   * after `timeoutMs` naming `what`.
   */
  async waitFor(
    predicate: (received: ReceivedActivity[]) => boolean,
    timeoutMs = 10_000,
    what = 'a condition on what the connector stand-in received',
  ): Promise<void> {
    await until(() => predicate(this.received), { what, timeoutMs });
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private error(status: number, code: string, message: string, retryAfter?: number): StandInResponse {
    return {
      status,
      headers: retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
      body: { error: { code, message } },
    };
  }

  private authorized(authorization: string | undefined): boolean {
    const required = this.options.requireToken;
    if (!required) return true;
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!token) return false;
    const claims = claimsOf(token);
    if (!claims) return false;
    if (required.audience !== undefined && claims.aud !== required.audience) return false;
    if (required.issuer !== undefined && claims.iss !== required.issuer) return false;
    return required.verify ? required.verify(`Bearer ${token}`) : true;
  }

  private accept(req: StandInRequest, what: 'message' | 'update' = 'message'): StandInResponse {
    const now = Date.now();
    const id = req.params.conversationId!;
    if (!this.authorized(req.headers.authorization)) {
      this.refused.unauthorized += 1;
      // The connector's own wording; no error code in this one.
      return { status: 401, body: { message: 'Authorization has been denied for this request.' } };
    }
    const retryAfter = this.options.retryAfterSeconds ?? 1;
    const limited = this.options.rateLimits !== false;
    if (limited && !this.app.admit(now)) {
      this.refused.appLimit += 1;
      return this.error(429, 'TooManyRequests', 'Too many requests.', retryAfter);
    }
    if (this.known && !this.known.has(id)) {
      this.refused.notFound += 1;
      return this.error(404, 'ConversationNotFound', 'Conversation not found.');
    }
    const blocked = this.blocked.get(id);
    if (blocked) {
      this.refused.blocked += 1;
      return this.error(403, blocked, BLOCK_MESSAGES[blocked]);
    }
    let windows = this.conversations.get(id);
    if (!windows) {
      windows = new Windows(this.options.perConversation ?? TEAMS_LIMITS.perConversation);
      this.conversations.set(id, windows);
    }
    if (limited && !windows.admit(now)) {
      this.refused.conversationLimit += 1;
      return this.error(429, 'TooManyRequests', 'Too many requests.', retryAfter);
    }
    if ((this.options.failureRate ?? 0) > 0 && this.rnd() < this.options.failureRate!) {
      this.refused.serverError += 1;
      return this.error(this.rnd() < 0.5 ? 502 : 503, 'ServiceUnavailable', 'Service unavailable.');
    }
    if (what === 'update') {
      const activityId = req.params.activityId!;
      if (this.messages.get(activityId) !== id) {
        this.refused.notFound += 1;
        return this.error(404, 'ActivityNotFound', 'Activity not found.');
      }
      this.updated.push({ conversationId: id, activityId, at: now, activity: req.body as Partial<Activity> });
      return { status: 200, body: { id: activityId } };
    }
    this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1);
    this.acceptedAt.push(now);
    const messageId = `reply-${this.acceptedAt.length}`;
    this.messages.set(messageId, id);
    if (this.options.keepActivities !== false) {
      this.received.push({
        conversationId: id,
        id: messageId,
        replyToId: req.params.replyToId,
        at: now,
        activity: req.body as Partial<Activity>,
      });
    }
    return { status: 201, body: { id: messageId } };
  }
}
