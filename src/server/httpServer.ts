/** The HTTP server (restify): the bot endpoint, a health check, and nothing else. */
import restify, { type Request, type Response } from 'restify';
import type { Logger } from '../logging/logger';

export interface HttpServerOptions {
  messages: (req: Request, res: Response) => Promise<void>;
  health: () => Record<string, unknown>;
  /** Static HTML pages (privacy notice, terms) by path. */
  pages?: Record<string, string>;
  log: Logger;
}

/** Largest request body accepted: activities are small; anything bigger is not from Teams. */
const MAX_BODY_BYTES = 256 * 1024;

export function createHttpServer(options: HttpServerOptions): restify.Server {
  const server = restify.createServer({ name: 'mfa-buddy', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser());
  server.use(
    restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }),
  );

  server.post('/api/messages', options.messages);
  for (const [route, html] of Object.entries(options.pages ?? {})) {
    server.get(route, (_req: Request, res: Response, next: restify.Next) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      res.sendRaw(200, html);
      next();
    });
  }
  server.get('/healthz', (_req: Request, res: Response, next: restify.Next) => {
    res.json({ status: 'ok', ...options.health() });
    next();
  });

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
