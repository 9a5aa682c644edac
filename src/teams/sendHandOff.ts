/**
 * Hands a proactive send's "on the wire" note to the connector client, so that it is written, and awaited, as
 * the client's last step before the HTTP request that carries the message: after botbuilder's middleware, the
 * token, the client's retry policy and everything else in its pipeline. A crash before the note is stored
 * means nothing left; a crash after it can lose only what is left between the stored note and the socket
 * write. The note follows the send through its async context (AsyncLocalStorage), so the connector clients,
 * shared by every turn, need no per-send state.
 *
 * Every request to the connector also waits here for its ticket in the app's send budget (src/sending/), as the
 * kind of send it belongs to: a request outside any handed-off send is a reply in a pupil's turn; a proactive
 * send says whether it is a follow-up or the campaign's. A 429 is reported to the budget with that kind.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectorClient } from 'botframework-connector';
import type { SendKind } from '../domain/sending/sendTickets';
import type { Logger } from '../logging/logger';
import type { SendBudget } from '../sending/sendBudget';

/** Stores the note; resolves false when the send is no longer the caller's to make (then nothing leaves). */
export type WireNote = () => Promise<boolean>;

/** Waits for the request's turn at Teams' rate; returns what to call once it is answered. */
export type Pace = () => Promise<() => void>;

/** What a send hands to the connector client. */
export interface HandOffOptions {
  /** Without one, the send's requests are only paced (as `kind`). */
  note?: WireNote;
  /**
   * Taken by every request of the send (retries included), before the note, instead of the budget (the
   * campaign's own lane, for its sends and its card updates).
   */
  pace?: Pace;
  /** The kind of send its requests are paced as (default: a reply). */
  kind?: SendKind;
}

/** A send handed off: its note, written once (the first attempt), and whether the caller gave up on it. */
interface HandedOff extends HandOffOptions {
  noted?: Promise<boolean>;
  abandoned: boolean;
}

/** What the connector client's pipeline hands a policy (a core-rest-pipeline request, as far as used here). */
interface PipelineRequestLike {
  method: string;
  url: string;
}

/** What comes back from the next policy (a core-rest-pipeline response, as far as used here). */
interface PipelineResponseLike {
  status?: number;
  headers?: { get?: (name: string) => string | undefined };
}

type Next = (request: PipelineRequestLike) => Promise<unknown>;

interface PipelinePolicyLike {
  name: string;
  sendRequest(request: PipelineRequestLike, next: Next): Promise<unknown>;
}

interface PipelineLike {
  addPolicy(policy: PipelinePolicyLike, options: { afterPhase: 'Sign' }): void;
}

/**
 * The requests that carry a message: POST /v3/conversations/{id}/activities, or .../activities/{replyToId}
 * (a proactive turn replies to the id botbuilder gives it). Not history uploads, updates or deletes.
 */
const CARRIES_MESSAGE = /\/v3\/conversations\/[^/]+\/activities(\/(?!history$)[^/]+)?$/;

const GIVEN_UP = 'the send was given up before this request left';

/** Thrown instead of a request that must not leave: the send was withdrawn or given up. */
export class SendWithdrawn extends Error {
  override readonly name = 'SendWithdrawn';
}

export class SendHandOff {
  private readonly sends = new AsyncLocalStorage<HandedOff>();

  constructor(
    private readonly log: Logger,
    /** The app's send budget every connector request waits in; none: requests go as they come. */
    private readonly budget?: SendBudget,
  ) {}

  /**
   * Runs `send` with `note` handed to the connector client. `abandon()` is for a caller that stopped waiting
   * (a timeout): from then on no request of this send leaves, not even the client's own retries.
   */
  run<T>(options: HandOffOptions, send: () => Promise<T>): { done: Promise<T>; abandon: () => void } {
    const handedOff: HandedOff = { ...options, abandoned: false };
    return {
      done: this.sends.run(handedOff, send),
      abandon: () => {
        handedOff.abandoned = true;
      },
    };
  }

  /**
   * Adds the hand-off to a connector client as the last policy of its pipeline (after the retry and sign
   * phases and the log policy: the next step is the HTTP client), so it runs for every attempt. The client
   * keeps its core-client ServiceClient in a field its typings call private; botbuilder 4.23 is the last
   * release, and a client without it fails here, at its first use, rather than sending without notes.
   */
  installOn(client: ConnectorClient): void {
    const pipeline = (client as unknown as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
    if (typeof pipeline?.addPolicy !== 'function') {
      throw new Error(
        'connector client without a request pipeline: the on-the-wire note cannot be installed',
      );
    }
    pipeline.addPolicy(
      { name: 'sendHandOff', sendRequest: (request, next) => this.beforeRequest(request, next) },
      { afterPhase: 'Sign' },
    );
  }

  /**
   * Every connector request: refused once its send was given up (the client's own retries included), then paced
   * (the send's own pace where it brings one: a campaign's sends and card changes; else the app's send budget as
   * what it is), and, for the request that carries a campaign message, noted on the wire as the very last step.
   */
  private beforeRequest(request: PipelineRequestLike, next: Next): Promise<unknown> {
    const handedOff = this.sends.getStore();
    const carriesMessage = request.method === 'POST' && CARRIES_MESSAGE.test(new URL(request.url).pathname);
    const note = carriesMessage ? handedOff?.note : undefined;
    const kind = handedOff?.kind ?? (note ? 'campaign' : 'reply');
    if (handedOff?.abandoned) return Promise.reject(new SendWithdrawn(GIVEN_UP));
    const pace = handedOff?.pace ?? (this.budget && (() => this.budget!.acquire(kind)));
    // The pace first (it can wait up to a second), so that the note is the very last step before the request.
    return this.paced(kind, pace, request, next, async () => {
      if (handedOff?.abandoned) throw new SendWithdrawn(GIVEN_UP);
      if (!handedOff || !note) return;
      handedOff.noted ??= this.write(note);
      if (!(await handedOff.noted)) throw new SendWithdrawn('the sender withdrew the send');
      if (handedOff.abandoned) throw new SendWithdrawn(GIVEN_UP);
    });
  }

  /** Waits for the request's ticket, sends it, and hands the ticket back with its answer. */
  private async paced(
    kind: SendKind,
    pace: Pace | undefined,
    request: PipelineRequestLike,
    next: Next,
    beforeSend?: () => Promise<void>,
  ): Promise<unknown> {
    const answered = await pace?.();
    try {
      await beforeSend?.();
      const response = await next(request);
      const { status, headers } = (response ?? {}) as PipelineResponseLike;
      if (status === 429) {
        const seconds = Number(headers?.get?.('retry-after'));
        this.budget?.throttled(kind, Number.isFinite(seconds) ? seconds * 1000 : undefined);
      }
      return response;
    } finally {
      answered?.();
    }
  }

  /** A note that cannot be stored does not stop the send: it costs at most a duplicate after a crash. */
  private async write(note: WireNote): Promise<boolean> {
    try {
      return await note();
    } catch (error) {
      this.log.warn(
        { err: { message: (error as Error).message } },
        'proactive send: could not note it on the wire; sending anyway',
      );
      return true;
    }
  }
}
