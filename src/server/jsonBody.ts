/**
 * The one way the server reads a request body: JSON only, exactly as sent (no compression), at most
 * MAX_JSON_BODY_BYTES counted on the wire as the bytes arrive, kept in memory and never written to disk.
 * It runs before the Bot Framework token is checked (CloudAdapter needs the activity for that check), so
 * this, times the bodies one client may send at once, is all a client without a token can make the bot hold.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Next, Request, RequestHandler, Response } from 'restify';
import type { Logger } from '../logging/logger';
import { refuse, type Refusal } from './refusal';

/** Largest body accepted. Teams activities are a few KB; card submits and invokes stay well under 100 KB. */
export const MAX_JSON_BODY_BYTES = 256 * 1024;

/**
 * Bodies one client may be sending at once. A genuine activity arrives in a packet or two, so even the
 * busiest Bot Framework address rarely has one in flight; a client holding many open is trickling them to
 * pin memory. This bounds what one client can make the bot hold to 16 × MAX_JSON_BODY_BYTES (4 MB).
 */
export const MAX_BODIES_IN_FLIGHT_PER_CLIENT = 16;

const UNSUPPORTED_TYPE: Refusal = {
  status: 415,
  error: 'UnsupportedMediaType',
  message: 'Send the activity as application/json (UTF-8).',
};
const ENCODED: Refusal = {
  status: 415,
  error: 'UnsupportedMediaType',
  message: 'Compressed request bodies are not accepted.',
};
const TOO_LARGE: Refusal = {
  status: 413,
  error: 'PayloadTooLarge',
  message: 'The request body is too large.',
};
const TOO_MANY_AT_ONCE: Refusal = {
  status: 429,
  error: 'TooManyRequests',
  message: 'Too many requests at once. Try again later.',
};
const MALFORMED: Refusal = {
  status: 400,
  error: 'BadRequest',
  message: 'The request body is not valid JSON.',
};

/** What the headers alone decide, before a byte of the body is read. */
export function refusalByHeaders(headers: IncomingHttpHeaders, maxBytes: number): Refusal | undefined {
  if (!isJsonUtf8(headers['content-type'])) return UNSUPPORTED_TYPE;
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') return ENCODED;
  const length = headers['content-length'];
  if (length !== undefined && Number(length) > maxBytes) return TOO_LARGE;
  return undefined;
}

/** `application/json`, with at most a `charset=utf-8` parameter (JSON on the wire is UTF-8). */
export function isJsonUtf8(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return parameters.every((parameter) => /^charset\s*=\s*("?)utf-8\1$/.test(parameter));
}

type BodyOutcome = { kind: 'complete'; bytes: Buffer } | { kind: 'tooLarge' } | { kind: 'gone' };

/** Reads the body, giving up at the first chunk that takes it over `maxBytes` (and reading no further). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const settle = (outcome: BodyOutcome) => {
      req.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        req.pause();
        settle({ kind: 'tooLarge' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle({ kind: 'complete', bytes: Buffer.concat(chunks, received) });
    // The client went away mid-body: nobody to answer.
    const onGone = () => settle({ kind: 'gone' });
    req.on('data', onData).once('end', onEnd).once('error', onGone).once('close', onGone);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(utf8.decode(bytes)) as unknown };
  } catch {
    return { ok: false };
  }
}

export interface JsonBodyOptions {
  /** The client a request counts against (its rate-limit bucket). */
  clientOf: (req: Request) => string;
  log: Logger;
  maxBytes?: number;
}

/**
 * A restify handler that puts the parsed JSON body in `req.body` (where CloudAdapter.process reads it), or
 * answers 415, 413, 429 or 400 itself and stops the chain.
 */
export function jsonBody(options: JsonBodyOptions): RequestHandler {
  const maxBytes = options.maxBytes ?? MAX_JSON_BODY_BYTES;
  const inFlight = new Map<string, number>();
  const refused = (req: Request, res: Response, next: Next, refusal: Refusal, unread: boolean) => {
    options.log.warn({ path: req.path(), status: refusal.status, reason: refusal.error }, 'request refused');
    refuse(req, res, refusal, {
      closeConnection: unread,
      headers: refusal.status === 429 ? { 'Retry-After': '1' } : {},
    });
    next(false);
  };
  return (req: Request, res: Response, next: Next) => {
    const early = refusalByHeaders(req.headers, maxBytes);
    if (early) {
      refused(req, res, next, early, true);
      return;
    }
    const client = options.clientOf(req);
    const reading = inFlight.get(client) ?? 0;
    if (reading >= MAX_BODIES_IN_FLIGHT_PER_CLIENT) {
      refused(req, res, next, TOO_MANY_AT_ONCE, true);
      return;
    }
    inFlight.set(client, reading + 1);
    const done = () => {
      const left = (inFlight.get(client) ?? 1) - 1;
      if (left > 0) inFlight.set(client, left);
      else inFlight.delete(client);
    };
    void readBody(req, maxBytes).then((outcome) => {
      done();
      if (outcome.kind === 'gone') return next(false);
      if (outcome.kind === 'tooLarge') return refused(req, res, next, TOO_LARGE, true);
      const parsed = parseJson(outcome.bytes);
      if (!parsed.ok) return refused(req, res, next, MALFORMED, false);
      (req as { body?: unknown }).body = parsed.value;
      next();
    });
  };
}
