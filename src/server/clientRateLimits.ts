/**
 * Per-client request limits, kept in this instance's memory (each instance counts alone, and a restart
 * forgets: they blunt floods, they do not meter anyone).
 *
 * Genuine bot traffic comes from a handful of Bot Framework addresses that carry every pupil of the school,
 * so the bot endpoint is not capped per address beyond a generous ceiling. What is capped tightly is what
 * genuine traffic never does: requests turned away before the bot runs (bad token, bad body, unknown route).
 * A client that collects too many of those is shut out of everything but the pages for the rest of the
 * window. The legal pages and the health check have their own small budget, which a browser or a probe
 * never reaches.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Next, Request, RequestHandler, Response } from 'restify';
import type { Logger } from '../logging/logger';
import { announcesBody, refuse } from './refusal';

export interface ClientLimits {
  /** Requests turned away at the door (see REFUSED_STATUSES) per client per minute before it is shut out. */
  refusedPerMinute: number;
  /** Requests for the legal pages and /healthz per client per minute. */
  pagesPerMinute: number;
  /**
   * Every request per client per minute: a flood guard far above a school's Teams traffic at its busiest (one
   * Bot Framework address can carry a whole trust; an instance answers about 1,000 turns a second).
   */
  requestsPerMinute: number;
}

export const CLIENT_LIMITS: ClientLimits = {
  refusedPerMinute: 30,
  pagesPerMinute: 60,
  requestsPerMinute: 30_000,
};

/**
 * Answers meaning "turned away before the bot ran": malformed or oversized bodies, a missing or bad
 * Bot Framework token (401), unknown routes and methods. Not 403: the tenant guard answers an authenticated
 * user of another tenant with it, and that traffic comes from the same Microsoft addresses as the school's.
 */
const REFUSED_STATUSES = new Set([400, 401, 404, 405, 413, 415]);

const WINDOW_SECONDS = 60;

type Limited = { limit: 'refused' | 'pages' | 'requests'; msBeforeNext: number };

export interface ClientRateLimitOptions {
  limits?: ClientLimits;
  /** The rate-limit bucket of a request (its client's address, see clientAddress.ts). */
  clientOf: (req: Request) => string;
  /** True for the legal pages and the health check. */
  isPage: (req: Request) => boolean;
  log: Logger;
}

/** A restify `pre` handler: answers 429 with Retry-After when the request's client is over a limit. */
export function clientRateLimits(options: ClientRateLimitOptions): RequestHandler {
  const limits = options.limits ?? CLIENT_LIMITS;
  const limiter = (points: number) => new RateLimiterMemory({ points, duration: WINDOW_SECONDS });
  const refused = limiter(limits.refusedPerMinute);
  const pages = limiter(limits.pagesPerMinute);
  const requests = limiter(limits.requestsPerMinute);

  /** Logs the request that takes a client over a limit, once per window: a flood writes one line. */
  const overLimit = (client: string, limit: Limited['limit'], points: number, res: RateLimiterRes) => {
    if (res.consumedPoints === points + 1) {
      options.log.warn(
        { client, limit, retryAfterSeconds: retryAfterSeconds(res.msBeforeNext) },
        'client rate-limited',
      );
    }
    return { limit, msBeforeNext: res.msBeforeNext };
  };

  const consume = async (
    rateLimiter: RateLimiterMemory,
    client: string,
    limit: Limited['limit'],
    points: number,
  ): Promise<Limited | undefined> => {
    try {
      await rateLimiter.consume(client);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return overLimit(client, limit, points, rejection);
      throw rejection;
    }
  };

  const check = async (client: string, page: boolean): Promise<Limited | undefined> => {
    if (page) return consume(pages, client, 'pages', limits.pagesPerMinute);
    const record = await refused.get(client);
    if (record && record.consumedPoints > limits.refusedPerMinute) {
      return { limit: 'refused', msBeforeNext: record.msBeforeNext };
    }
    return consume(requests, client, 'requests', limits.requestsPerMinute);
  };

  return (req: Request, res: Response, next: Next) => {
    const client = options.clientOf(req);
    const page = options.isPage(req);
    check(client, page).then((limited) => {
      if (limited) {
        refuse(
          req,
          res,
          { status: 429, error: 'TooManyRequests', message: 'Too many requests. Try again later.' },
          {
            closeConnection: announcesBody(req.headers),
            headers: { 'Retry-After': String(retryAfterSeconds(limited.msBeforeNext)) },
          },
        );
        next(false);
        return;
      }
      if (!page) {
        res.once('finish', () => {
          if (!REFUSED_STATUSES.has(res.statusCode)) return;
          refused.consume(client).catch((rejection: unknown) => {
            if (rejection instanceof RateLimiterRes) {
              overLimit(client, 'refused', limits.refusedPerMinute, rejection);
            }
          });
        });
      }
      next();
    }, next);
  };
}

function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}
