/**
 * Every Graph call the directory makes goes through here: the request budget for the identity-reports
 * endpoints, a timeout on each attempt (from the Graph client factory), and one retry policy: 429 and
 * 412/502/503/504, timeouts and unreadable bodies are retried after Retry-After or an exponential backoff
 * with jitter; other errors are not. The Graph client's own RetryHandler is off, so retries never multiply.
 */
import { ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../../logging/logger';
import type { DirectoryPriority } from '../../ports/directory';
import type { GraphMetrics } from '../../telemetry/botMetrics';
import { BudgetOption, isGraphTimeout } from './graphClient';
import type { RequestBudget } from './requestBudget';

/** A Graph call that failed for good (after retries), classified for the caller. */
export class GraphRequestError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 for a timeout or network error, -1 for an unreadable body. */
    readonly status: number,
    /** Graph's error code (e.g. Authentication_RequestFromNonPremiumTenantOrB2CTenant), when it sent one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'GraphRequestError';
  }
}

export interface GraphCallOptions {
  priority: DirectoryPriority;
  /**
   * Counts against the identity-reports budget (reports and authentication methods). The client's budget
   * middleware takes the slot; this flag decides whether a 429 pauses the whole budget.
   */
  budgeted: boolean;
  signal?: AbortSignal;
}

export interface GraphRequesterDeps {
  /** A client built with `maxRetries: 0`. */
  client: Client;
  budget: RequestBudget;
  log: Logger;
  /** Attempts per call, by priority: a waiting person gets fewer, slower retries are for background work. */
  attempts?: Record<DirectoryPriority, number>;
  /** Longest pause between attempts when Graph sent no Retry-After. */
  maxBackoffMs?: number;
  /** Longest Retry-After honoured before giving up on the call. */
  maxRetryAfterMs?: number;
  /** Counts each attempt by endpoint family and status (429s among them). */
  metrics?: GraphMetrics;
}

const RETRYABLE_STATUS = new Set([412, 429, 502, 503, 504]);

interface Failure {
  status: number;
  code?: string;
  message: string;
  retryAfterMs?: number;
  retryable: boolean;
}

/** Reads Retry-After (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Graph's `{ error: { code, message } }` from an error body, when it is there. */
function graphErrorIn(text: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return {
      code: typeof parsed.error?.code === 'string' ? parsed.error.code : undefined,
      message: typeof parsed.error?.message === 'string' ? parsed.error.message : undefined,
    };
  } catch {
    return {};
  }
}

/** A failure from an HTTP answer that was not 2xx. */
function httpFailure(response: Response, text: string): Failure {
  const { code, message } = graphErrorIn(text);
  return {
    status: response.status,
    code,
    message: message ?? `HTTP ${response.status}`,
    retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
    retryable: RETRYABLE_STATUS.has(response.status),
  };
}

/** A failure thrown before an HTTP answer: a timeout, a refused or reset connection, a token problem. */
function thrownFailure(error: unknown): Failure {
  if (error instanceof FailureError) return error.failure;
  if (isGraphTimeout(error)) return { status: 0, message: 'timed out', retryable: true };
  const message = error instanceof Error ? error.message : String(error);
  // Token endpoint refusals (a wrong secret) will not get better by asking again.
  const auth = /AADSTS|invalid_client|unauthorized_client|CredentialUnavailable/i.test(message);
  return { status: 0, code: auth ? 'TokenError' : undefined, message, retryable: !auth };
}

class FailureError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** The endpoint with ids and UPNs replaced, so a log line never carries who was looked up. */
export function loggableEndpoint(endpoint: string): string {
  return endpoint
    .split('/')
    .map((segment) => {
      if (!/@|%40|[0-9a-f]{8}-[0-9a-f]{4}-/i.test(segment)) return segment;
      // `users('jo%40school')`, the key-in-parentheses form, keeps its collection name.
      return /^[A-Za-z]+\('.*'\)$/.test(segment) ? segment.replace(/\('.*'\)$/, '({id})') : '{id}';
    })
    .join('/');
}

/**
 * Graph's own error text with addresses and object ids replaced: it quotes them ("Resource 'jo@school' does
 * not exist"), and error messages end up in logs.
 */
export function withoutIdentifiers(text: string): string {
  return text
    .replace(/[^\s'"@/]+(?:@|%40)[^\s'"/]+/g, '{upn}')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{id}');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new GraphRequestError('aborted', 0, 'Aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new GraphRequestError('aborted', 0, 'Aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class GraphRequester {
  private readonly attempts: Record<DirectoryPriority, number>;

  constructor(private readonly deps: GraphRequesterDeps) {
    this.attempts = deps.attempts ?? { interactive: 3, background: 5 };
  }

  /** GET `pathOrUrl` (a path below /v1.0, or an absolute @odata.nextLink) and parse the JSON. */
  get<T>(pathOrUrl: string, options: GraphCallOptions): Promise<T> {
    return this.call<T>('GET', pathOrUrl, undefined, options);
  }

  /** POST `body` as JSON to `path` and parse the JSON answer. */
  post<T>(path: string, body: unknown, options: GraphCallOptions): Promise<T> {
    return this.call<T>('POST', path, body, options);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    pathOrUrl: string,
    body: unknown,
    options: GraphCallOptions,
  ): Promise<T> {
    const maxAttempts = this.attempts[options.priority];
    const endpoint = pathOrUrl.replace(/^https:\/\/[^/]+\/v1\.0/, '').replace(/\?.*$/, '');
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) throw new GraphRequestError('aborted', 0, 'Aborted');
      let answered = false;
      try {
        // RAW: the client hands back every answer, so status, Retry-After and body are read here, once.
        const request = this.deps.client
          .api(pathOrUrl)
          .responseType(ResponseType.RAW)
          .middlewareOptions([new BudgetOption(options.priority, options.signal)]);
        const response = (await (method === 'GET' ? request.get() : request.post(body))) as Response;
        answered = true;
        this.deps.metrics?.graphAttempt(endpoint, response.status);
        const text = await response.text();
        if (!response.ok) throw new FailureError(httpFailure(response, text));
        if (!text) return undefined as T;
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new FailureError({ status: -1, message: 'unreadable JSON body', retryable: true });
        }
      } catch (error) {
        const failure = thrownFailure(error);
        // No answer at all (a timeout, a refused connection, no token): counted as status 0.
        if (!answered) this.deps.metrics?.graphAttempt(endpoint, 0);
        if (failure.status === 429 && options.budgeted) {
          // Everyone sharing the budget waits, not just this call.
          this.deps.budget.pause(failure.retryAfterMs ?? 10_000);
        }
        const last = attempt >= maxAttempts || !failure.retryable;
        const wait =
          failure.retryAfterMs ??
          Math.min(this.deps.maxBackoffMs ?? 30_000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
        // A 404 is an answer (no such user), not a failure worth a warning.
        this.deps.log[failure.status === 404 ? 'debug' : 'warn'](
          {
            endpoint: loggableEndpoint(endpoint),
            status: failure.status,
            code: failure.code,
            attempt,
            retryInMs: last ? undefined : Math.round(wait),
          },
          'graph request failed',
        );
        if (last || wait > (this.deps.maxRetryAfterMs ?? 120_000)) {
          throw new GraphRequestError(
            `Graph ${method} ${loggableEndpoint(endpoint)} failed: ${withoutIdentifiers(failure.message)}`,
            failure.status,
            failure.code,
          );
        }
        // A budgeted call waits for its slot after the pause; others sleep here.
        if (!(options.budgeted && failure.status === 429)) await sleep(wait, options.signal);
      }
    }
  }
}
