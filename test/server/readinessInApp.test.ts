import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import { startApp, type RunningApp } from '../../src/app';
import { createContainer, type Container } from '../../src/container';
import { loadConfig } from '../../src/config/env';
import { startAzurite, type Azurite } from '../support/azurite';
import { tempDataDir } from '../support/botProcess';
import { startGraphTenant, type GraphTenant } from '../support/graphTenant';
import { captureLog } from '../support/logCapture';
import { until } from '../support/until';

interface Probe {
  status: number;
  body: { status: string; checks?: Record<string, { ok: boolean; detail?: string }> };
  headers: Headers;
}

/** GET /readyz, from this machine (loopback) or as the public would arrive (through App Service's front end). */
async function readyz(app: RunningApp, from: 'loopback' | 'public' = 'loopback'): Promise<Probe> {
  const response = await fetch(`http://127.0.0.1:${app.port}/readyz`, {
    headers: from === 'public' ? { 'X-Forwarded-For': '203.0.113.7' } : {},
  });
  return {
    status: response.status,
    body: (await response.json()) as Probe['body'],
    headers: response.headers,
  };
}

/**
 * How long the app under test reuses an answer (two seconds by default: see readiness.test.ts): short,
 * so that a new round of checks needs no long wait.
 */
const CACHE_MS = 200;
const APP_OPTIONS = { readiness: { cacheMs: CACHE_MS } };

/** Asks until the answer has `status` (each answer is reused for CACHE_MS); fails after `timeoutMs`. */
async function readyzUntil(app: RunningApp, status: number, timeoutMs = 20_000): Promise<Probe> {
  return until(
    async () => {
      const probe = await readyz(app);
      // Thrown rather than returned false, so that a timeout reports the last answer, body and all.
      if (probe.status !== status) throw new Error(`/readyz ${probe.status}: ${JSON.stringify(probe.body)}`);
      return probe;
    },
    { what: `/readyz to answer ${status}`, timeoutMs, intervalMs: 200 },
  );
}

describe('GET /readyz on the running app', () => {
  const dirs: string[] = [];
  let app: RunningApp | undefined;

  afterEach(async () => {
    await app?.stop();
    app = undefined;
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function dataDir(): string {
    const dir = tempDataDir();
    dirs.push(dir);
    return dir;
  }

  describe('on Azure Storage (Azurite)', () => {
    let azurite: Azurite;
    before(async () => {
      azurite = await startAzurite();
    });
    after(() => azurite.stop());

    it('is ready, not ready while the storage is down (the check named only to this machine), and ready again', async function () {
      this.timeout(90_000);
      const config = loadConfig({
        STORAGE: 'azure',
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        AZURE_STORAGE_PREFIX: `ready${crypto.randomBytes(4).toString('hex')}`,
        ALLOW_UNAUTHENTICATED: '1',
        DATA_DIR: dataDir(),
        PORT: '0',
        NUDGE_SCHEDULER: 'off',
      });
      app = await startApp(await createContainer(config, { log: captureLog('fatal').log }), APP_OPTIONS);

      const ready = await readyz(app);
      expect(ready.status).to.equal(200);
      expect(ready.body).to.deep.equal({
        status: 'ready',
        checks: { storage: { ok: true, detail: 'azure' } },
      });
      expect(ready.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(await readyz(app, 'public')).to.deep.include({ status: 200, body: { status: 'ready' } });

      await azurite.pause();
      const down = await readyzUntil(app, 503);
      expect(down.body.status).to.equal('not ready');
      expect(down.body.checks?.storage?.ok).to.equal(false);
      expect(down.body.checks?.storage?.detail).to.be.a('string').and.not.equal('');
      const publicDown = await readyz(app, 'public');
      expect(publicDown).to.deep.include({ status: 503, body: { status: 'not ready' } });
      // Liveness is another question: the process still serves.
      expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).to.equal(200);

      await azurite.resume();
      const back = await readyzUntil(app, 200);
      expect(back.body).to.deep.equal({
        status: 'ready',
        checks: { storage: { ok: true, detail: 'azure' } },
      });
    });
  });

  describe('with Microsoft Graph (the stand-in)', () => {
    let tenant: GraphTenant;
    beforeEach(async () => {
      tenant = await startGraphTenant();
    });
    afterEach(() => tenant.close());

    let container: Container | undefined;
    const start = async (env: Record<string, string> = {}) =>
      startApp(
        (container = await createContainer(
          loadConfig({
            ...tenant.env,
            SUPPORT_CODE_KEY: 'ab'.repeat(32),
            DATA_DIR: dataDir(),
            PORT: '0',
            STATUS_REPORT_REFRESH_MINUTES: '0',
            ...env,
          }),
          { log: captureLog('fatal').log },
        )),
        APP_OPTIONS,
      );

    it('is ready when a Graph token can be had, and asks the token endpoint once for many probes', async function () {
      this.timeout(30_000);
      app = await start({ NUDGE_SCHEDULER: 'on' });
      const probe = await readyz(app);
      expect(probe.status).to.equal(200);
      expect(probe.body.checks).to.have.keys(['storage', 'graphToken', 'planning']);
      expect(probe.body.checks?.graphToken).to.deep.equal({ ok: true });
      // The campaign's own first round (outside the window it reads the report and the groups once a day, for
      // the email looks) is not the probes' doing: counted from when it has ended.
      await until(
        () => {
          const state = container!.scheduler!.planningState();
          return state.lastPassAt !== undefined && state.runningSince === undefined;
        },
        { what: "the scheduler's first round", timeoutMs: 20_000 },
      );
      const tokensBefore = tenant.tokens.tokenRequests;
      const graphBefore = tenant.server.requestsTo(/^\/v1\.0\//).length;
      // Spaced past the time an answer is kept, so that these are new rounds of checks.
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, CACHE_MS + 100));
        expect((await readyz(app)).status).to.equal(200);
      }
      // The token is cached: later rounds cost the token endpoint nothing, and Graph (its reports budget) nothing.
      expect(tenant.tokens.tokenRequests).to.equal(tokensBefore);
      expect(tenant.server.requestsTo(/^\/v1\.0\//)).to.have.length(graphBefore);
    });

    it('is not ready when the token endpoint refuses the credentials, and says why only to this machine', async () => {
      app = await start({ GRAPH_CLIENT_SECRET: 'not-the-secret' });
      const probe = await readyz(app);
      expect(probe.status).to.equal(503);
      expect(probe.body.checks?.storage).to.deep.equal({ ok: true, detail: 'sqlite' });
      expect(probe.body.checks?.graphToken?.ok).to.equal(false);
      expect(probe.body.checks?.graphToken?.detail).to.match(/AADSTS7000215|invalid_client/);
      expect(await readyz(app, 'public')).to.deep.include({ status: 503, body: { status: 'not ready' } });
    });
  });
});
