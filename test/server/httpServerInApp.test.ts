import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { startApp, type RunningApp } from '../../src/app';
import { createContainer } from '../../src/container';
import { loadConfig } from '../../src/config/env';
import { MAX_JSON_BODY_BYTES } from '../../src/server/jsonBody';
import { executeActivity, testUser } from '../support/activities';
import { postActivity, tempDataDir } from '../support/botProcess';
import { captureLog } from '../support/logCapture';
import { send, streamUpload, watchServerAnswers } from '../support/rawHttp';

const MB = 1024 * 1024;

/**
 * The bot endpoint as src/app.ts serves it (CloudAdapter, the bot, SQLite in a temporary DATA_DIR), in this
 * process so that its memory and its temp folder can be watched.
 */
describe('the bot endpoint against what an unauthenticated client can send', () => {
  let app: RunningApp;
  let dataDir: string;
  let url: string;

  before(async () => {
    dataDir = tempDataDir();
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      NUDGE_SCHEDULER: 'off',
      // As on App Service, behind one front end; loopback clients are counted by the address it appended.
      TRUSTED_PROXY_HOPS: '1',
    });
    app = await startApp(await createContainer(config, { log: captureLog('warn').log }));
    url = `http://127.0.0.1:${app.port}`;
  });

  after(async () => {
    await app.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a gzip bomb with 415 without inflating it', async () => {
    // 50 KB on the wire, 50 MB of JSON once inflated.
    const bomb = zlib.gzipSync(`{"type":"message","text":"${'a'.repeat(50 * MB)}"}`, { level: 9 });
    expect(bomb.length).to.be.below(64 * 1024);
    const watch = watchServerAnswers();
    try {
      const before = process.memoryUsage();
      const response = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
        body: bomb,
      });
      expect(response.status).to.equal(415);
      expect(await response.json()).to.deep.equal({
        error: 'UnsupportedMediaType',
        message: 'Compressed request bodies are not accepted.',
      });
      // Measured as the server finished answering, while the request (and any body) was still in scope.
      const during = watch.answers[0]!.memory;
      expect(during.rss - before.rss, 'RSS growth').to.be.below(20 * MB);
      expect(
        during.heapUsed + during.external - before.heapUsed - before.external,
        'heap growth',
      ).to.be.below(20 * MB);
    } finally {
      watch.stop();
    }
  });

  describe('with the temp folder watched', () => {
    let tmp: string;
    let savedTmpdir: string | undefined;

    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-tmpdir-'));
      savedTmpdir = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
    });

    afterEach(() => {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('refuses a multipart upload with 415 and writes nothing to disk', async () => {
      expect(os.tmpdir()).to.equal(tmp);
      const form = new FormData();
      form.append('activity', new Blob([Buffer.alloc(MB, 'x')]), 'activity.json');
      const response = await fetch(`${url}/api/messages`, { method: 'POST', body: form });
      expect(response.status).to.equal(415);
      expect(fs.readdirSync(tmp)).to.deep.equal([]);
    });
  });

  for (const chunked of [false, true]) {
    it(`refuses a 5 MB activity ${chunked ? 'streamed without' : 'with'} a Content-Length with 413, reading little of it`, async () => {
      const watch = watchServerAnswers();
      try {
        const upload = await streamUpload(app.port, { path: '/api/messages', totalBytes: 5 * MB, chunked });
        expect(upload.status).to.equal(413);
        expect(await watch.answers[0]!.bytesRead).to.be.below(MAX_JSON_BODY_BYTES + 256 * 1024);
      } finally {
        watch.stop();
      }
    });
  }

  it('still answers a genuine Action.Execute with the next card, and serves its pages with headers', async () => {
    const invoke = executeActivity(testUser(), 'guide.start', { verb: 'guide.start' });
    const response = await postActivity({ url }, invoke, {
      'Content-Type': 'application/json; charset=utf-8',
    });
    expect(response.status).to.equal(200);
    expect(response.body).to.contain('Choose your first method');

    for (const [method, route] of [
      ['POST', '/api/messages'],
      ['GET', '/privacy'],
      ['GET', '/healthz'],
    ] as const) {
      const answer = await send(app.port, {
        method,
        path: route,
        headers: method === 'POST' ? { 'Content-Type': 'application/json' } : {},
        body: method === 'POST' ? JSON.stringify(invoke) : undefined,
      });
      expect(answer.status, route).to.equal(200);
      expect(answer.headers['content-security-policy'], route).to.match(/^default-src 'none'/);
      expect(answer.headers['x-content-type-options'], route).to.equal('nosniff');
      expect(answer.headers, route).to.not.have.property('server');
    }
    const health = await send(app.port, { path: '/healthz' });
    expect(JSON.parse(health.body)).to.deep.equal({
      status: 'ok',
      storage: 'sqlite',
      directory: 'demo',
      mailer: 'demo',
    });
  });

  it('counts clients by the address the trusted proxy saw (TRUSTED_PROXY_HOPS)', async () => {
    const from = (client: string, headers: Record<string, string>) =>
      send(app.port, {
        method: 'POST',
        path: '/api/messages',
        headers: { 'X-Forwarded-For': client, ...headers },
        body: '{}',
      });
    for (let i = 0; i < 31; i += 1) {
      expect((await from('203.0.113.9', { 'Content-Type': 'text/plain' })).status).to.equal(415);
    }
    expect((await from('203.0.113.9', { 'Content-Type': 'application/json' })).status).to.equal(429);
    // Another client behind the same proxy: its body reaches the adapter, which finds no activity in it.
    expect((await from('198.51.100.1', { 'Content-Type': 'application/json' })).status).to.equal(400);
  });
});
