/**
 * A small HTTP(S) server for stand-ins of Microsoft services (Graph, the token endpoint, the Bot
 * Connector) on 127.0.0.1. Routes are registered per test; faults (429 with Retry-After, 5xx, a hang,
 * malformed JSON) can be queued for the next matching requests, and every request is recorded.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { TEST_CERT, TEST_KEY } from './ensureTestCert';

export interface StandInRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON or form body; undefined when empty. */
  body: unknown;
  rawBody: string;
  params: Record<string, string>;
}

export interface StandInResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string;
}

export type Handler = (req: StandInRequest) => StandInResponse | Promise<StandInResponse>;

/** A canned failure for the next matching request(s). */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'malformedJson' }
  | { kind: 'delay'; ms: number };

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  at: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

interface Route {
  method: string;
  regex: RegExp;
  keys: string[];
  handler: Handler;
}

interface QueuedFault {
  method?: string;
  path?: RegExp;
  fault: Fault;
  remaining: number;
}

function compile(pattern: string): { regex: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        keys.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}/?$`), keys };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export class StandInServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly faults: QueuedFault[] = [];
  private readonly sockets = new Set<Socket>();
  private server!: http.Server;
  url = '';
  port = 0;

  private constructor(private readonly tls: boolean) {}

  /** Starts on 127.0.0.1 with a free port; HTTPS with the test certificate when `tls`. */
  static async start(options: { tls: boolean }): Promise<StandInServer> {
    const standIn = new StandInServer(options.tls);
    await standIn.listen();
    return standIn;
  }

  private async listen(): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = this.tls
      ? https.createServer({ cert: fs.readFileSync(TEST_CERT), key: fs.readFileSync(TEST_KEY) }, handler)
      : http.createServer(handler);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Registers `handler` for `method` and a path pattern with `:param` segments. */
  route(method: string, pattern: string, handler: Handler): this {
    const { regex, keys } = compile(pattern);
    this.routes.push({ method: method.toUpperCase(), regex, keys, handler });
    return this;
  }

  /** Queues `fault` for the next `times` requests matching `method`/`path` (any when omitted). */
  failNext(fault: Fault, options: { method?: string; path?: RegExp; times?: number } = {}): this {
    this.faults.push({
      method: options.method?.toUpperCase(),
      path: options.path,
      fault,
      remaining: options.times ?? 1,
    });
    return this;
  }

  /** Requests whose path matches `path` (and `method`, if given). */
  requestsTo(path: RegExp, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => path.test(r.path) && (!method || r.method === method.toUpperCase()));
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) => f.remaining > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(path)),
    );
    if (index < 0) return undefined;
    const queued = this.faults[index]!;
    queued.remaining -= 1;
    if (queued.remaining === 0) this.faults.splice(index, 1);
    return queued.fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = decodeURIComponent(url.pathname);
    const record: RecordedRequest = {
      method,
      path,
      query: url.search,
      status: 0,
      at: Date.now(),
      headers: req.headers,
      body: parseBody(rawBody, req.headers['content-type']),
    };
    this.requests.push(record);

    let response: StandInResponse;
    const fault = this.takeFault(method, path);
    if (fault?.kind === 'hang') {
      record.status = -1;
      return; // never answers; close() destroys the socket
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'status') {
      response = {
        status: fault.status,
        headers:
          fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {},
        body: fault.body ?? {
          error: {
            code: fault.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable',
            message: 'stand-in fault',
          },
        },
      };
    } else if (fault?.kind === 'malformedJson') {
      response = { status: 200, headers: { 'Content-Type': 'application/json' }, raw: '{"value": [ {"id": ' };
    } else {
      response = await this.dispatch(method, path, url.searchParams, req.headers, rawBody);
    }
    record.status = response.status;
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    let payload = '';
    if (response.raw !== undefined) payload = response.raw;
    else if (response.body !== undefined) {
      payload = JSON.stringify(response.body);
      headers['Content-Type'] ??= 'application/json';
    }
    res.writeHead(response.status, headers);
    res.end(payload);
  }

  private async dispatch(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: http.IncomingHttpHeaders,
    rawBody: string,
  ): Promise<StandInResponse> {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.regex.exec(path);
      if (!match) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, match[i + 1] ?? '']));
      try {
        return await route.handler({
          method,
          path,
          query,
          headers,
          body: parseBody(rawBody, headers['content-type']),
          rawBody,
          params,
        });
      } catch (error) {
        return { status: 500, body: { error: { code: 'StandInError', message: (error as Error).message } } };
      }
    }
    return {
      status: 404,
      body: { error: { code: 'NotFound', message: `no stand-in route for ${method} ${path}` } },
    };
  }

  /** Stops the server, cutting any connection still open (including hung requests). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
