/**
 * The on-the-wire note a nudge send leaves on its ledger row, as the production worker and BotMessenger write
 * it, against the Teams connector stand-in over real HTTP, on SQLite and on Azure Storage (Azurite): the note is
 * stored before the request carrying the card reaches Teams (the stand-in reads the row as the request
 * arrives), and a send that fails on its way out, before its request, leaves none (so after a crash it would be
 * sent again rather than recorded as sent).
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import { azureStores } from '../../src/adapters/azure/azureStores';
import { AzureStorageAccount, parseStorageConnection } from '../../src/adapters/azure/azureStorageAccount';
import type { Stores } from '../../src/adapters/storage';
import type { LedgerEntry } from '../../src/ports/nudgeLedger';
import { startAzurite, type Azurite } from '../support/azurite';
import { CampaignRig, userIdOf } from '../support/campaignRig';
import { clockChangePolicy } from './campaignPolicyFixture';

/** Friday 23 October, 09:00 BST: the d3 window opens and its pass runs. */
const FRIDAY_AT_NINE = '2026-10-23T08:00:00Z';

/** What matters of a row at a moment: is the send taken, and is it noted on the wire. */
const stateOf = (rows: LedgerEntry[]) =>
  rows.map((r) => ({ nudge: r.nudge, state: r.state, taken: !!r.attemptBy, onWire: !!r.onWireAt }));

/**
 * `quietMs`: how long the queue must be quiet for the pass to end (Queue Storage brings a deferred message back
 * in whole seconds).
 */
function describeWireNote(
  backend: string,
  stores: () => (() => Promise<Stores>) | undefined,
  quietMs = 300,
): void {
  describe(`the on-the-wire note of a nudge send: ${backend}`, function () {
    this.timeout(60_000);
    let rig: CampaignRig | undefined;
    const sandbox = sinon.createSandbox();
    const pupil = userIdOf(1);

    afterEach(async () => {
      sandbox.restore();
      await rig?.close();
      rig = undefined;
    });

    /**
     * A rig whose connector reads the pupil's ledger row as each send arrives. Storing the note is made slower
     * than the send's own request (two reads of the row first, as a busy storage account answers), so that a
     * request sent without waiting for the note would arrive before it.
     */
    async function start(atArrival: ReturnType<typeof stateOf>[]): Promise<CampaignRig> {
      const started = await CampaignRig.start({
        policy: clockChangePolicy(),
        now: FRIDAY_AT_NINE,
        stores: stores(),
        connector: {
          onArrival: async () => {
            atArrival.push(stateOf(await started.ledger(pupil)));
          },
        },
      });
      rig = started;
      const ledger = started.parts.deps.ledger;
      const store = ledger.noteOnWire.bind(ledger);
      sandbox.stub(ledger, 'noteOnWire').callsFake(async (take, at) => {
        await ledger.get(take);
        await ledger.get(take);
        return store(take, at);
      });
      await started.addUser(1);
      return started;
    }

    it('is stored before the request carrying the card reaches Teams, and the row ends sent', async () => {
      const atArrival: ReturnType<typeof stateOf>[] = [];
      const campaign = await start(atArrival);
      await campaign.run();
      expect(atArrival).to.deep.equal([[{ nudge: 'd3', state: 'queued', taken: true, onWire: true }]]);
      expect(campaign.headings(pupil)).to.have.length(1);
      expect(stateOf(await campaign.ledger(pupil))).to.deep.equal([
        { nudge: 'd3', state: 'sent', taken: false, onWire: false },
      ]);
    });

    it('is not written when the send fails on its way out, before its request: it is sent again, once', async () => {
      const atArrival: ReturnType<typeof stateOf>[] = [];
      const campaign = await start(atArrival);
      const atRefusal: ReturnType<typeof stateOf>[] = [];
      // The first send of the card fails inside the proactive turn, after the take and before any request.
      let refused = false;
      campaign.adapter.use(async (context, next) => {
        context.onSendActivities(async (_context, _activities, send) => {
          if (refused) return send();
          refused = true;
          atRefusal.push(stateOf(await campaign.ledger(pupil)));
          throw new Error('refused on the way out');
        });
        await next();
      });
      await campaign.run(false, quietMs);
      expect(atRefusal).to.deep.equal([[{ nudge: 'd3', state: 'queued', taken: true, onWire: false }]]);
      expect(atArrival).to.deep.equal([[{ nudge: 'd3', state: 'queued', taken: true, onWire: true }]]);
      expect(campaign.headings(pupil)).to.have.length(1);
      expect(stateOf(await campaign.ledger(pupil))).to.deep.equal([
        { nudge: 'd3', state: 'sent', taken: false, onWire: false },
      ]);
    });
  });
}

describe('Nudge sends noted on the wire (Teams connector stand-in over real HTTP)', () => {
  describeWireNote('SQLite', () => undefined);

  describe('on Azure Storage', function () {
    this.timeout(60_000);
    let azurite: Azurite | undefined;
    before(async () => {
      azurite = await startAzurite();
    });
    after(async () => {
      await azurite?.stop();
    });
    describeWireNote(
      'Azure Tables and Queue Storage on Azurite',
      () => () => {
        // Each test has its own tables and queue.
        const prefix = `w${crypto.randomBytes(5).toString('hex')}`;
        return azureStores(
          new AzureStorageAccount(parseStorageConnection(azurite!.connectionString), prefix),
        );
      },
      2500,
    );
  });
});
