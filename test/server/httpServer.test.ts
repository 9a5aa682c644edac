import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import type { Request, Response } from 'restify';
import { close, createHttpServer, listen, type HttpServerOptions } from '../../src/server/httpServer';
import { MAX_BODIES_IN_FLIGHT_PER_CLIENT, MAX_JSON_BODY_BYTES } from '../../src/server/jsonBody';
import { captureLog, type CapturedLog } from '../support/logCapture';
import { send, streamUpload, watchServerAnswers, type PlainResponse } from '../support/rawHttp';

const PRIVACY = '<!doctype html><title>Privacy</title><style>p{margin:0}</style><p>Privacy notice</p>';
const ACTIVITY = { type: 'message', text: 'hello', channelId: 'msteams' };

/**
 * The server as src/app.ts builds it, with a stand-in for the bot endpoint that records the bodies it got
 * and answers 200 (what the CloudAdapter does for a genuine activity).
 */
describe('the HTTP server in front of the bot', () => {
  let port: number;
  let server: ReturnType<typeof createHttpServer>;
  let received: unknown[];
  let logs: CapturedLog;

  async function start(overrides: Partial<HttpServerOptions> = {}) {
    received = [];
    logs = captureLog();
    server = createHttpServer({
      messages: async (req: Request, res: Response) => {
        received.push(req.body);
        res.send(200);
        await Promise.resolve();
      },
      health: () => ({ storage: 'sqlite', directory: 'demo', mailer: 'demo' }),
      pages: { '/privacy': PRIVACY },
      log: logs.log,
      ...overrides,
    });
    port = await listen(server, 0, '127.0.0.1');
  }

  afterEach(async () => {
    await close(server);
  });

  function postJson(body: string, headers: Record<string, string> = {}, localAddress?: string) {
    return send(port, {
      method: 'POST',
      path: '/api/messages',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
      localAddress,
    });
  }

  it("gives a client 10 s for its headers and 20 s for its whole request, not Node's minutes", async () => {
    await start();
    // Node enforces these on its own 30 s sweep, too coarse to time here; what is set is what is checked.
    expect({
      headers: server.server.headersTimeout,
      request: server.server.requestTimeout,
    }).to.deep.equal({ headers: 10_000, request: 20_000 });
  });

  describe('reading the activity', () => {
    beforeEach(() => start());

    it('hands a JSON activity to the bot endpoint as req.body, with or without charset=utf-8', async () => {
      expect((await postJson(JSON.stringify(ACTIVITY))).status).to.equal(200);
      const withCharset = await postJson(JSON.stringify({ ...ACTIVITY, text: 'héllo' }), {
        'Content-Type': 'application/json; charset=utf-8',
      });
      expect(withCharset.status).to.equal(200);
      expect(received).to.deep.equal([ACTIVITY, { ...ACTIVITY, text: 'héllo' }]);
    });

    const refusedTypes: [string, Record<string, string>][] = [
      ['text/plain', { 'Content-Type': 'text/plain' }],
      ['form-urlencoded', { 'Content-Type': 'application/x-www-form-urlencoded' }],
      ['JSON in another charset', { 'Content-Type': 'application/json; charset=iso-8859-1' }],
      ['no content type at all', {}],
    ];
    for (const [what, headers] of refusedTypes) {
      it(`refuses ${what} with 415 before the bot sees it`, async () => {
        const response = await send(port, {
          method: 'POST',
          path: '/api/messages',
          headers,
          body: JSON.stringify(ACTIVITY),
        });
        expect(response.status).to.equal(415);
        expect(JSON.parse(response.body)).to.deep.include({ error: 'UnsupportedMediaType' });
        expect(received).to.deep.equal([]);
      });
    }

    it('refuses malformed JSON with 400 and a short JSON error', async () => {
      const response = await postJson('{"type":"message","text":');
      expect(response.status).to.equal(400);
      expect(response.headers['content-type']).to.match(/^application\/json/);
      expect(JSON.parse(response.body)).to.deep.equal({
        error: 'BadRequest',
        message: 'The request body is not valid JSON.',
      });
      expect(received).to.deep.equal([]);
    });

    it('refuses a Content-Length over the cap with 413 without reading the body, and closes', async () => {
      const watch = watchServerAnswers();
      try {
        const upload = await streamUpload(port, {
          path: '/api/messages',
          totalBytes: 5 * 1024 * 1024,
          chunked: false,
        });
        expect(upload.status).to.equal(413);
        expect(upload.response).to.match(/\r\nconnection: close\r\n/i);
        expect(upload.response).to.contain('"error":"PayloadTooLarge"');
        expect(await watch.answers[0]!.bytesRead).to.be.below(MAX_JSON_BODY_BYTES);
        expect(received).to.deep.equal([]);
      } finally {
        watch.stop();
      }
    });

    it('cuts off a streamed (chunked) body at the cap with 413, and closes the connection', async () => {
      const watch = watchServerAnswers();
      try {
        const upload = await streamUpload(port, {
          path: '/api/messages',
          totalBytes: 5 * 1024 * 1024,
          chunked: true,
        });
        expect(upload.status).to.equal(413);
        expect(upload.response).to.match(/\r\nconnection: close\r\n/i);
        // The cap, plus what was already in flight when it was reached: nowhere near the 5 MB sent.
        expect(await watch.answers[0]!.bytesRead).to.be.below(MAX_JSON_BODY_BYTES + 256 * 1024);
        expect(received).to.deep.equal([]);
      } finally {
        watch.stop();
      }
    });

    it('accepts a body of exactly the cap', async () => {
      const text = 'a'.repeat(MAX_JSON_BODY_BYTES - JSON.stringify({ ...ACTIVITY, text: '' }).length);
      const body = JSON.stringify({ ...ACTIVITY, text });
      expect(Buffer.byteLength(body)).to.equal(MAX_JSON_BODY_BYTES);
      expect((await postJson(body)).status).to.equal(200);
      expect((await postJson(`${body} `)).status).to.equal(413);
    });

    it('lets one client send at most 16 bodies at once, so trickled bodies cannot pin memory', async () => {
      const started: IncomingMessage[] = [];
      let allStarted: () => void = () => undefined;
      const sixteenStarted = new Promise<void>((resolve) => (allStarted = resolve));
      const onStart = (message: unknown) => {
        started.push((message as { request: IncomingMessage }).request);
        if (started.length === MAX_BODIES_IN_FLIGHT_PER_CLIENT) allStarted();
      };
      diagnostics.subscribe('http.server.request.start', onStart);
      const trickles: net.Socket[] = [];
      try {
        // Sixteen bodies from 127.0.0.2, each announced as 100 KB and stopped after its first byte.
        for (let i = 0; i < MAX_BODIES_IN_FLIGHT_PER_CLIENT; i += 1) {
          const socket = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
          socket.on('error', () => undefined);
          socket.write(
            `POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 102400\r\n\r\n{`,
          );
          trickles.push(socket);
        }
        await sixteenStarted;
        const seventeenth = await postJson(JSON.stringify(ACTIVITY), {}, '127.0.0.2');
        expect(seventeenth.status).to.equal(429);
        expect(seventeenth.headers['retry-after']).to.equal('1');
        // Other clients are served; and once its trickles end, the client may send again.
        expect((await postJson(JSON.stringify(ACTIVITY))).status).to.equal(200);
        const gone = started.slice(0, 16).map((req) => new Promise((resolve) => req.once('close', resolve)));
        trickles.forEach((socket) => socket.destroy());
        await Promise.all(gone);
        expect((await postJson(JSON.stringify(ACTIVITY), {}, '127.0.0.2')).status).to.equal(200);
        expect(received).to.have.length(2);
      } finally {
        diagnostics.unsubscribe('http.server.request.start', onStart);
        trickles.forEach((socket) => socket.destroy());
      }
    });

    it('never reads a body sent to a route that takes none', async () => {
      const watch = watchServerAnswers();
      try {
        const upload = await streamUpload(port, {
          method: 'GET',
          path: '/healthz',
          totalBytes: 5 * 1024 * 1024,
          chunked: true,
        });
        expect(upload.status).to.equal(200);
        expect(upload.response).to.match(/\r\nconnection: close\r\n/i);
        expect(await watch.answers[0]!.bytesRead).to.be.below(MAX_JSON_BODY_BYTES);
      } finally {
        watch.stop();
      }
    });
  });

  describe('security headers', () => {
    beforeEach(() => start());

    function expectCommonHeaders(response: PlainResponse) {
      expect(response.headers).to.include({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      });
      expect(response.headers['strict-transport-security']).to.match(/^max-age=\d+/);
      expect(response.headers).to.not.have.property('x-powered-by');
      expect(response.headers).to.not.have.property('server');
    }

    it('gives JSON answers a policy that allows nothing', async () => {
      const answers = [
        await postJson(JSON.stringify(ACTIVITY)),
        await postJson('not json'),
        await send(port, { path: '/healthz' }),
        await send(port, { path: '/no-such-page' }),
      ];
      expect(answers.map((a) => a.status)).to.deep.equal([200, 400, 200, 404]);
      for (const answer of answers) {
        expectCommonHeaders(answer);
        const csp = answer.headers['content-security-policy'];
        expect(csp).to.match(/(^|;)\s*default-src 'none'/);
        expect(csp).to.match(/frame-ancestors 'none'/);
        expect(csp).to.not.contain('unsafe-inline');
      }
    });

    it('lets the legal pages use their inline styles, and nothing else', async () => {
      const page = await send(port, { path: '/privacy' });
      expect(page.status).to.equal(200);
      expect(page.body).to.equal(PRIVACY);
      expectCommonHeaders(page);
      const csp = String(page.headers['content-security-policy'])
        .split(';')
        .map((d) => d.trim());
      expect(csp).to.include.members([
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "frame-ancestors 'none'",
      ]);
      expect(csp.filter((d) => d.includes('unsafe'))).to.deep.equal(["style-src 'unsafe-inline'"]);
    });
  });

  describe('/healthz', () => {
    beforeEach(() => start());

    it('shows what the bot runs on to a client on this machine', async () => {
      const response = await send(port, { path: '/healthz' });
      expect(JSON.parse(response.body)).to.deep.equal({
        status: 'ok',
        storage: 'sqlite',
        directory: 'demo',
        mailer: 'demo',
      });
    });

    it('tells a request forwarded by a proxy only that the bot is up', async () => {
      const response = await send(port, { path: '/healthz', headers: { 'X-Forwarded-For': '203.0.113.7' } });
      expect(response.status).to.equal(200);
      expect(JSON.parse(response.body)).to.deep.equal({ status: 'ok' });
    });
  });

  describe('rate limits per client address', () => {
    const ATTACKER = '127.0.0.2';

    it('shuts out a client after a burst of refused requests, and only that client', async () => {
      await start();
      const statuses: number[] = [];
      let lastRefusal: PlainResponse | undefined;
      for (let i = 0; i < 40; i += 1) {
        lastRefusal = await send(port, {
          method: 'POST',
          path: '/api/messages',
          headers: { 'Content-Type': 'text/plain' },
          body: `attack payload ${i}`,
          localAddress: ATTACKER,
        });
        statuses.push(lastRefusal.status);
      }
      // 30 a minute are allowed; the 31st is still answered, and takes the client over the limit.
      expect(statuses).to.deep.equal([...Array<number>(31).fill(415), ...Array<number>(9).fill(429)]);
      const retryAfter = Number(lastRefusal!.headers['retry-after']);
      expect(retryAfter).to.be.within(1, 60);
      expect(JSON.parse(lastRefusal!.body)).to.deep.equal({
        error: 'TooManyRequests',
        message: 'Too many requests. Try again later.',
      });

      // Shut out of the bot endpoint even with a well-formed activity; the legal pages stay readable.
      expect((await postJson(JSON.stringify(ACTIVITY), {}, ATTACKER)).status).to.equal(429);
      expect((await send(port, { path: '/privacy', localAddress: ATTACKER })).status).to.equal(200);
      // Another address (the Bot Framework's) is not affected.
      expect((await postJson(JSON.stringify(ACTIVITY))).status).to.equal(200);

      const limited = logs.find(/client rate-limited/);
      expect(limited).to.have.length(1);
      expect(limited[0]).to.include({ client: ATTACKER, limit: 'refused' });
      expect(logs.lines.join('\n')).to.not.contain('attack payload');
    });

    it('does not throttle genuine traffic from one Bot Framework address at a busy campaign rate', async () => {
      await start();
      // 300 activities in a few seconds from one address, ten at a time: a whole class tapping at once.
      const statuses: number[] = [];
      for (let batch = 0; batch < 30; batch += 1) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            postJson(JSON.stringify({ ...ACTIVITY, id: `activity-${batch}-${i}` })),
          ),
        );
        statuses.push(...answers.map((a) => a.status));
      }
      expect(statuses.filter((s) => s !== 200)).to.deep.equal([]);
      expect(received).to.have.length(300);
      expect(logs.find(/client rate-limited/)).to.deep.equal([]);
    });

    it('gives the pages and the health check a budget of their own', async () => {
      await start();
      const statuses: number[] = [];
      for (let i = 0; i < 62; i += 1) {
        statuses.push((await send(port, { path: i % 2 ? '/privacy' : '/healthz' })).status);
      }
      expect(statuses).to.deep.equal([...Array<number>(60).fill(200), 429, 429]);
      // One line for the client going over the limit, not one per refused request.
      expect(logs.find(/client rate-limited/).map((l) => l.limit)).to.deep.equal(['pages']);
      // The bot endpoint is not held up by a client reading pages.
      expect((await postJson(JSON.stringify(ACTIVITY))).status).to.equal(200);
    });

    it('behind a trusted proxy, counts each client by the address the proxy saw', async () => {
      await start({ trustedProxyHops: 1 });
      const from = (client: string, contentType = 'application/json') =>
        postJson(JSON.stringify(ACTIVITY), {
          'Content-Type': contentType,
          // The first entry is the client's own claim; the proxy appended the address it saw.
          'X-Forwarded-For': `10.9.8.7, ${client}`,
        });
      for (let i = 0; i < 31; i += 1) expect((await from('203.0.113.9', 'text/plain')).status).to.equal(415);
      expect((await from('203.0.113.9')).status).to.equal(429);
      expect((await from('198.51.100.1')).status).to.equal(200);
      expect(logs.find(/client rate-limited/)[0]).to.include({ client: '203.0.113.9' });
    });

    it('has a ceiling on every request from one address', async () => {
      await start({ limits: { refusedPerMinute: 30, pagesPerMinute: 60, requestsPerMinute: 20 } });
      const statuses: number[] = [];
      for (let i = 0; i < 21; i += 1) statuses.push((await postJson(JSON.stringify(ACTIVITY))).status);
      expect(statuses).to.deep.equal([...Array<number>(20).fill(200), 429]);
      expect(received).to.have.length(20);
    });
  });
});
