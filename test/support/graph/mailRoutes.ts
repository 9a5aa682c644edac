/**
 * Graph's `POST /users/{id | upn}/sendMail` on the Graph stand-in, with the behaviour that matters to an
 * outbox: 202 and an empty body when accepted; 400 for a body Graph would refuse (no recipients, a custom
 * header not starting with `x-`, a body type other than Text/HTML); 403 ErrorAccessDenied for a mailbox the
 * app's RBAC scope does not cover; 404 for a sender with no mailbox; and Exchange's limit of 4 concurrent
 * requests per mailbox (429 + Retry-After, "ApplicationThrottled"). Faults queued with `failNext` on the
 * server come before any of this, as a broken network or Graph would.
 */
import type { StandInRequest, StandInResponse } from '../standInServer';
import { graphError, type GraphStandIn } from './graphStandIn';

interface Recipient {
  emailAddress?: { address?: unknown; name?: unknown };
}

/** The message part of a sendMail body, as the tests read it. */
export interface SentMessage {
  subject: string;
  body: { contentType: string; content: string };
  toRecipients: Recipient[];
  replyTo?: Recipient[];
  internetMessageId?: string;
  internetMessageHeaders?: { name: string; value: string }[];
}

export interface AcceptedMail {
  /** The mailbox in the URL (lower case). */
  sender: string;
  message: SentMessage;
  saveToSentItems?: boolean;
  at: number;
}

export interface MailStandInOptions {
  /** Mailboxes the app may send as (RBAC for Applications scope); others get 403. */
  allowedSenders: string[];
  /** How long each accepted request takes (to make concurrency observable). */
  latencyMs?: number;
}

export class MailStandIn {
  readonly accepted: AcceptedMail[] = [];
  /** How long each accepted request takes (to make concurrency observable); settable per test. */
  latencyMs: number;
  /** The most requests one mailbox had in flight at once. */
  maxConcurrent = 0;
  private readonly inFlight = new Map<string, number>();
  private readonly allowed: Set<string>;

  constructor(
    private readonly graph: GraphStandIn,
    options: MailStandInOptions,
  ) {
    this.allowed = new Set(options.allowedSenders.map((s) => s.toLowerCase()));
    this.latencyMs = options.latencyMs ?? 0;
    graph.route('POST', '/v1.0/users/:sender/sendMail', (req) => this.sendMail(req));
  }

  /** Every sendMail request that reached the stand-in (faulted ones included), in order. */
  requests() {
    return this.graph.tenant.server.requestsTo(/\/sendMail$/, 'POST');
  }

  private async sendMail(req: StandInRequest): Promise<StandInResponse> {
    const sender = req.params.sender!.toLowerCase();
    if (!this.allowed.has(sender)) {
      return graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    }
    const body = req.body as { message?: SentMessage; saveToSentItems?: boolean } | undefined;
    const message = body?.message;
    if (!message || !Array.isArray(message.toRecipients) || message.toRecipients.length === 0) {
      return graphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    }
    if (!['Text', 'HTML', 'text', 'html'].includes(message.body?.contentType)) {
      return graphError(400, 'RequestBodyRead', 'Invalid body content type.');
    }
    for (const header of message.internetMessageHeaders ?? []) {
      if (!/^x-/i.test(header.name)) {
        return graphError(
          400,
          'InvalidInternetMessageHeader',
          `The internet message header name '${header.name}' should start with 'x-' or 'X-'.`,
        );
      }
    }
    const running = (this.inFlight.get(sender) ?? 0) + 1;
    if (running > 4) {
      return {
        ...graphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.'),
        headers: { 'Retry-After': '1' },
      };
    }
    this.inFlight.set(sender, running);
    this.maxConcurrent = Math.max(this.maxConcurrent, running);
    try {
      if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      this.accepted.push({ sender, message, saveToSentItems: body.saveToSentItems, at: Date.now() });
      return { status: 202, raw: '' };
    } finally {
      this.inFlight.set(sender, (this.inFlight.get(sender) ?? 1) - 1);
    }
  }
}
