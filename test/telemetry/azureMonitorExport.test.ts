import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { executeActivity, installActivity, testUser } from '../support/activities';
import { postActivity, ROOT, startBot, tempDataDir, type BotProcess } from '../support/botProcess';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { TEST_CERT, TEST_KEY } from '../support/ensureTestCert';

/**
 * An Application Insights ingestion endpoint on 127.0.0.1 (HTTPS with the test certificate: the exporter
 * speaks nothing else): keeps every telemetry item posted to it.
 */
class IngestionStandIn {
  readonly items: { name?: string; data?: { baseData?: { metrics?: { name: string }[] } } }[] = [];
  private readonly server = https.createServer(
    { cert: fs.readFileSync(TEST_CERT), key: fs.readFileSync(TEST_KEY) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
        const text = body.toString('utf8').trim();
        // A JSON array, or JSON lines.
        const items = (
          text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((l): unknown => JSON.parse(l))
        ) as IngestionStandIn['items'];
        this.items.push(...items);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
      });
    },
  );

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** The names of the metrics received. */
  metricNames(): string[] {
    return this.items.flatMap((item) => item.data?.baseData?.metrics?.map((m) => m.name) ?? []);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('Azure Monitor export', () => {
  it('is not even loaded without a connection string: the metric calls hit the no-op provider', () => {
    // A fresh process, as the bot starts: nothing else has loaded the package or set a global provider there.
    const script = `
      const { startTelemetry } = require('./src/telemetry/telemetry');
      const { metrics } = require('@opentelemetry/api');
      const { BotMetrics } = require('./src/telemetry/botMetrics');
      const started = startTelemetry(undefined);
      new BotMetrics().send({ kind: 'sent', activityIds: [] });
      const loaded = Object.keys(require.cache).filter((f) => /monitor-opentelemetry|sdk-metrics|sdk-node/.test(f));
      const counter = metrics.getMeterProvider().getMeter('probe').createCounter('probe');
      console.log(JSON.stringify({ started: started === undefined ? 'no' : 'yes', loaded, counter: counter.constructor.name }));
    `;
    const child = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.status, child.stderr).to.equal(0);
    expect(JSON.parse(child.stdout.trim().split('\n').pop()!)).to.deep.equal({
      started: 'no',
      loaded: [],
      counter: 'NoopCounterMetric',
    });
  });

  describe('with a connection string (the built bot; `npm run build` first)', () => {
    let ingestion: IngestionStandIn;
    let connector: ConnectorStandIn;
    let bot: BotProcess | undefined;
    let tmp: string;
    let dataDir: string;

    beforeEach(async () => {
      ingestion = new IngestionStandIn();
      connector = await ConnectorStandIn.start();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-otel-'));
      dataDir = tempDataDir();
    });
    afterEach(async () => {
      await bot?.kill();
      await connector.close();
      await ingestion.close();
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it("exports the bot's metrics to the ingestion endpoint at shutdown", async function () {
      this.timeout(60_000);
      const endpoint = await ingestion.start();
      bot = await startBot({
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-0000000000aa;IngestionEndpoint=${endpoint}`,
        // Hermetic: no statistics about the SDK to Microsoft, no cloud metadata lookups, offline copies in a temp folder.
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os',
        TMPDIR: tmp,
        DATA_DIR: dataDir,
      });
      expect(bot.logs().some((l) => l.includes('telemetry: metrics go to Azure Monitor'))).to.equal(true);
      const pupil = testUser('Robin Quill');
      const options = { serviceUrl: connector.serviceUrl };
      await postActivity(bot, installActivity(pupil, options));
      await postActivity(bot, executeActivity(pupil, 'guide.start', { verb: 'guide.start' }, options));
      expect(ingestion.items).to.deep.equal([]);

      expect(await bot.stop()).to.equal(0);
      const names = ingestion.metricNames();
      expect(names).to.include('mfa_buddy.turn.duration');
      expect(names).to.include('mfa_buddy.escalations');
      expect(names).to.include('mfa_buddy.nudge.queue.depth');
      // Incoming requests are sent; the bot's own calls out (here the replies to the connector) are not.
      const kinds = ingestion.items.map((item) => item.name);
      expect(kinds).to.include('Microsoft.ApplicationInsights.Request');
      expect(connector.received.length).to.be.above(0);
      expect(kinds).not.to.include('Microsoft.ApplicationInsights.RemoteDependency');
      // The pupil's id and name travel nowhere.
      const sent = JSON.stringify(ingestion.items);
      expect(sent).not.to.contain(pupil.aadObjectId);
      expect(sent).not.to.contain('Robin');
    });
  });
});
