/**
 * A Bot Connector stand-in: receives the bot's replies (POST /v3/conversations/:id/activities[/:replyTo])
 * over plain HTTP on 127.0.0.1 and keeps them, so tests can wait for what a user would see.
 */
import type { Activity } from 'botbuilder';
import { StandInServer } from './standInServer';

export interface ReceivedActivity {
  conversationId: string;
  replyToId?: string;
  activity: Partial<Activity>;
}

export class ConnectorStandIn {
  readonly received: ReceivedActivity[] = [];
  private waiters: (() => void)[] = [];
  private counter = 0;

  private constructor(readonly server: StandInServer) {
    const accept = (conversationId: string, replyToId: string | undefined, body: unknown) => {
      this.counter += 1;
      this.received.push({ conversationId, replyToId, activity: body as Partial<Activity> });
      for (const wake of this.waiters.splice(0)) wake();
      return { status: 201, body: { id: `reply-${this.counter}` } };
    };
    server.route('POST', '/v3/conversations/:conversationId/activities', (req) =>
      accept(req.params.conversationId!, undefined, req.body),
    );
    server.route('POST', '/v3/conversations/:conversationId/activities/:replyToId', (req) =>
      accept(req.params.conversationId!, req.params.replyToId, req.body),
    );
  }

  static async start(): Promise<ConnectorStandIn> {
    return new ConnectorStandIn(await StandInServer.start({ tls: false }));
  }

  /** The serviceUrl to put in activities so that replies come here. */
  get serviceUrl(): string {
    return `${this.server.url}/`;
  }

  /** Activities sent to `conversationId`, in order. */
  activitiesIn(conversationId: string): Partial<Activity>[] {
    return this.received.filter((r) => r.conversationId === conversationId).map((r) => r.activity);
  }

  /** Waits until `predicate` holds over everything received, or fails after `timeoutMs`. */
  async waitFor(predicate: (received: ReceivedActivity[]) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`connector stand-in: condition not met within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
