/**
 * A Bot Connector stand-in that behaves like Teams under load: the per-conversation limits (7 messages per
 * 1 s, 8 per 2 s, 60 per 30 s, 1,800 per hour), the per-app limit (50 requests per second), 429 with
 * Retry-After when either is exceeded, 403 ConversationBlockedByUser for users who blocked the bot, and
 * occasional 5xx (seeded, so a failing run can be repeated). It counts what each conversation received
 * and every refusal. `keepActivities: false` keeps counts only (the 100,000-user benchmark).
 */
import type { Activity } from 'botbuilder';
import { StandInServer, type StandInRequest, type StandInResponse } from './standInServer';

export interface Window {
  limit: number;
  windowMs: number;
}

export interface TeamsConnectorOptions {
  /** Per app (all conversations together): Teams allows 50 per second. */
  app?: Window;
  perConversation?: readonly Window[];
  /** Conversation ids whose user blocked the bot. */
  blocked?: Iterable<string>;
  /** Share of requests answered with a 5xx (0–1). */
  failureRate?: number;
  seed?: number;
  /** Seconds sent in Retry-After. */
  retryAfterSeconds?: number;
  keepActivities?: boolean;
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

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DeliveredActivity {
  conversationId: string;
  at: number;
  activity?: Partial<Activity>;
}

export class TeamsConnectorStandIn {
  /** Messages accepted, per conversation. */
  readonly delivered = new Map<string, number>();
  readonly activities: DeliveredActivity[] = [];
  readonly refused = { appLimit: 0, conversationLimit: 0, blocked: 0, serverError: 0 };
  /** Times (ms) of accepted messages, for rates. */
  readonly acceptedAt: number[] = [];
  /** Requests that arrived, per one-second bucket since the first (the achieved rate). */
  private readonly app: Windows;
  private readonly conversations = new Map<string, Windows>();
  private readonly blocked: Set<string>;
  private readonly rnd: () => number;

  private constructor(
    readonly server: StandInServer,
    private readonly options: TeamsConnectorOptions,
  ) {
    this.app = new Windows([options.app ?? TEAMS_LIMITS.app]);
    this.blocked = new Set(options.blocked ?? []);
    this.rnd = random(options.seed ?? 1);
    const handler = (req: StandInRequest) => this.accept(req);
    server.route('POST', '/v3/conversations/:conversationId/activities', handler);
    server.route('POST', '/v3/conversations/:conversationId/activities/:replyToId', handler);
  }

  /** The user of this conversation unblocked the bot. */
  unblock(conversationId: string): void {
    this.blocked.delete(conversationId);
  }

  static async start(options: TeamsConnectorOptions = {}): Promise<TeamsConnectorStandIn> {
    return new TeamsConnectorStandIn(await StandInServer.start({ tls: false }), options);
  }

  get serviceUrl(): string {
    return `${this.server.url}/`;
  }

  /** Blocks (or unblocks) a conversation from now on. */
  block(conversationId: string, blocked = true): void {
    if (blocked) this.blocked.add(conversationId);
    else this.blocked.delete(conversationId);
  }

  /** Every 429 the stand-in answered. */
  get throttled(): number {
    return this.refused.appLimit + this.refused.conversationLimit;
  }

  private error(status: number, code: string, retryAfter?: number): StandInResponse {
    return {
      status,
      headers: retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
      body: { error: { code, message: `stand-in: ${code}` } },
    };
  }

  private accept(req: StandInRequest): StandInResponse {
    const now = Date.now();
    const id = req.params.conversationId!;
    const retryAfter = this.options.retryAfterSeconds ?? 1;
    if (!this.app.admit(now)) {
      this.refused.appLimit += 1;
      return this.error(429, 'TooManyRequests', retryAfter);
    }
    if (this.blocked.has(id)) {
      this.refused.blocked += 1;
      return this.error(403, 'ConversationBlockedByUser');
    }
    let windows = this.conversations.get(id);
    if (!windows) {
      windows = new Windows(this.options.perConversation ?? TEAMS_LIMITS.perConversation);
      this.conversations.set(id, windows);
    }
    if (!windows.admit(now)) {
      this.refused.conversationLimit += 1;
      return this.error(429, 'TooManyRequests', retryAfter);
    }
    if ((this.options.failureRate ?? 0) > 0 && this.rnd() < this.options.failureRate!) {
      this.refused.serverError += 1;
      return this.error(this.rnd() < 0.5 ? 502 : 503, 'ServiceUnavailable');
    }
    this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1);
    this.acceptedAt.push(now);
    this.activities.push({
      conversationId: id,
      at: now,
      activity: this.options.keepActivities === false ? undefined : (req.body as Partial<Activity>),
    });
    return { status: 201, body: { id: `msg-${this.acceptedAt.length}` } };
  }

  /** Activities received by `conversationId`, in order. */
  activitiesIn(conversationId: string): Partial<Activity>[] {
    return this.activities
      .filter((a) => a.conversationId === conversationId && a.activity)
      .map((a) => a.activity!);
  }

  /** Total accepted messages. */
  get total(): number {
    return this.acceptedAt.length;
  }

  /** Waits until `predicate` holds, polling. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(`teams connector stand-in: condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
