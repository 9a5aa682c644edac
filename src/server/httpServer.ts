/**
 * The HTTP server (restify): the bot endpoint, liveness and readiness checks, the legal pages, and nothing else. It is
 * reachable by anyone, so everything in front of the Bot Framework token check is bounded here: security
 * headers on every answer, per-client rate limits, and one body reader (jsonBody.ts) on the one route that
 * takes a body. No other route reads a body.
 */
import restify, { type Request, type Response } from 'restify';
import type { Logger } from '../logging/logger';
import { clientAddress, isLocalClient, rateLimitKey } from './clientAddress';
import { clientRateLimits, type ClientLimits } from './clientRateLimits';
import { jsonBody } from './jsonBody';
import { announcesBody } from './refusal';
import type { ReadinessAnswer } from './readiness';
import { jsonSecurityHeaders, pageSecurityHeaders, tabSecurityHeaders } from './securityHeaders';

export interface HttpServerOptions {
  messages: (req: Request, res: Response) => Promise<void>;
  /** Details for /healthz, shown only to a client on this machine. */
  health: () => Record<string, unknown>;
  /** The answer for /readyz (cached and time-boxed by its maker); which check failed is shown only locally. */
  ready?: () => Promise<ReadinessAnswer>;
  /** Static HTML pages (privacy notice, terms) by path. */
  pages?: Record<string, string>;
  /** Reverse proxies in front of the bot whose X-Forwarded-For is trusted (see clientAddress.ts). */
  trustedProxyHops?: number;
  limits?: ClientLimits;
  /** Mounts more GET routes (the IT tab under /tab/ and its data under /api/it/); the tab's paths get its own headers. */
  mount?: (server: restify.Server) => void;
  log: Logger;
}

const MESSAGES_PATH = '/api/messages';
const HEALTH_PATH = '/healthz';
const READY_PATH = '/readyz';
const TAB_PREFIX = '/tab/';
/**
 * How long a client may take to send its headers, and its whole request. Teams sends a few kilobytes at once;
 * Node's defaults (60 s and 300 s) let a slow sender hold a socket and a body buffer for minutes.
 */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 20_000;

export function createHttpServer(options: HttpServerOptions): restify.Server {
  // No name: restify would send it in a Server header on every answer.
  const server = restify.createServer({ name: '', handleUncaughtExceptions: false });
  server.server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.server.requestTimeout = REQUEST_TIMEOUT_MS;
  const pages = new Map(Object.entries(options.pages ?? {}));
  const isPage = (req: Request) =>
    (req.method === 'GET' || req.method === 'HEAD') &&
    (pages.has(req.path()) || req.path() === HEALTH_PATH || req.path() === READY_PATH);

  server.pre((req: Request, res: Response, next: restify.Next) => {
    const headers = pages.has(req.path())
      ? pageSecurityHeaders
      : req.path().startsWith(TAB_PREFIX)
        ? tabSecurityHeaders
        : jsonSecurityHeaders;
    headers(req, res, next);
  });
  server.pre((req: Request, res: Response, next: restify.Next) => {
    // A body sent where none is read: answer, then close rather than read and discard it.
    if (!(req.method === 'POST' && req.path() === MESSAGES_PATH) && announcesBody(req.headers)) {
      res.setHeader('Connection', 'close');
    }
    next();
  });
  const clientOf = (req: Request) =>
    rateLimitKey(
      clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], options.trustedProxyHops ?? 0),
    );
  server.pre(clientRateLimits({ limits: options.limits, clientOf, isPage, log: options.log }));
  server.use(restify.plugins.queryParser());

  server.post(MESSAGES_PATH, jsonBody({ clientOf, log: options.log }), options.messages);
  for (const [route, html] of pages) {
    server.get(route, (_req: Request, res: Response, next: restify.Next) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.sendRaw(200, html);
      next();
    });
  }
  server.get(HEALTH_PATH, (req: Request, res: Response, next: restify.Next) => {
    // What the bot runs on is for the operator on this machine; the public learns only that it is up.
    const local = isLocalClient(req.socket.remoteAddress, req.headers);
    res.json(local ? { status: 'ok', ...options.health() } : { status: 'ok' });
    next();
  });

  const ready = options.ready;
  if (ready) {
    server.get(READY_PATH, (req: Request, res: Response, next: restify.Next) => {
      const local = isLocalClient(req.socket.remoteAddress, req.headers);
      ready().then(
        (answer) => {
          const status = answer.ready ? 'ready' : 'not ready';
          res.json(answer.ready ? 200 : 503, local ? { status, checks: answer.checks } : { status });
          next();
        },
        (error: unknown) => next(error as Error),
      );
    });
  }

  options.mount?.(server);

  server.on(
    'restifyError',
    (req: Request, res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
      options.log.warn(
        { path: req.path(), status: err.statusCode ?? 500, err: { message: err.message } },
        'http error',
      );
      callback();
    },
  );
  return server;
}

/** Starts listening; resolves with the bound port (useful with PORT=0). */
export function listen(server: restify.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve(address.port);
    });
  });
}

/** Stops accepting connections and waits for in-flight requests to finish. */
export function close(server: restify.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would hold close() open; ask idle ones to go.
    server.server.closeIdleConnections?.();
  });
}
