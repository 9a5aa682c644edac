/**
 * What happens between instances, made to happen on purpose (the campaign rig, SQLite): the planner marking
 * a row enqueued while a worker sends it, a planner that died between claiming and queuing, a pass that
 * finished while another planner waited for the lease, and a planner that lost its lease.
 */
import { expect } from 'chai';
import { expectRejection } from '../support/expectRejection';
import sinon from 'sinon';
import { CampaignPlanner } from '../../src/nudges/campaignPlanner';
import type { LeaseStore } from '../../src/ports/leases';
import type { Directory, DirectoryCallOptions } from '../../src/ports/directory';
import { CampaignRig } from '../support/campaignRig';
import { clockChangePolicy } from './campaignPolicyFixture';

const NOW = '2026-10-23T08:00:00Z'; // Friday 09:00 BST: stage d3 is open

describe('Nudge campaign races between instances (the rig, SQLite)', function () {
  this.timeout(30_000);
  let rig: CampaignRig;
  const sandbox = sinon.createSandbox();
  afterEach(async () => {
    sandbox.restore();
    await rig?.close();
  });

  /** A rig with one pupil whose d3 nudge the planner has claimed (not yet queued). */
  async function oneClaimedNudge() {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: NOW });
    const id = await rig.addUser(1);
    const { deps, worker } = rig.parts;
    const key = { campaignId: deps.campaign.id, userId: id, nudge: 'd3' };
    await deps.ledger.claim([{ ...key, group: 'Pupils', at: NOW }]);
    return { id, deps, worker, key };
  }

  it("a send that meets the planner's enqueued mark is recorded, not dropped as someone else's", async () => {
    const { id, deps, worker, key } = await oneClaimedNudge();
    // The planner's order: claim, enqueue, then mark enqueued; a worker on another instance is quicker.
    await deps.queue.enqueue([key]);
    const messenger = deps.messenger;
    deps.messenger = {
      sendToUser: async (userId, cards, options) => {
        await deps.ledger.markEnqueued([key], NOW);
        return messenger.sendToUser(userId, cards, options);
      },
      sendToChat: (userId, chatId, cards) => messenger.sendToChat(userId, chatId, cards),
      updateCard: (userId, activityId, card) => messenger.updateCard(userId, activityId, card),
    };
    await worker.drain(200, 20);
    expect(rig.connector.total).to.equal(1);
    const [row] = await rig.ledger(id);
    expect(row).to.include({ state: 'sent', enqueued: true, attempts: 1 });
    expect(row!.attemptBy).to.equal(undefined);
  });

  it('two copies of one message in one worker: one send', async () => {
    const { id, deps, worker, key } = await oneClaimedNudge();
    // A planner's repair and the planner it took over from both queued it.
    await deps.queue.enqueue([key, key]);
    await deps.ledger.markEnqueued([key], NOW);
    await worker.drain(500, 20);
    expect(rig.connector.total).to.equal(1);
    expect((await rig.ledger(id)).map((e) => [e.state, e.detail])).to.deep.equal([['sent', undefined]]);
  });

  it('queues at once the claims of a planner that died before queuing them, however recent', async () => {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: NOW });
    const [a, b] = [await rig.addUser(1), await rig.addUser(2)];
    const { deps } = rig.parts;
    // A planner claimed both 5 seconds ago and died; its lease ran out; this planner takes over.
    const at = new Date(Date.parse(NOW) - 5000).toISOString();
    await deps.ledger.claim(
      [a, b].map((userId) => ({ campaignId: deps.campaign.id, userId, nudge: 'd3', group: 'Pupils', at })),
    );
    await rig.run();
    expect(rig.headings(a)).to.have.length(1);
    expect(rig.headings(b)).to.have.length(1);
    expect(rig.connector.total).to.equal(2);
  });

  it("does not plan again when another instance finished today's pass while it waited for the lease", async () => {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: NOW });
    await rig.addUser(1);
    const { deps, planner } = rig.parts;
    expect((await planner.planIfDue()).kind).to.equal('planned');
    // The second instance looked at the marker before the first one wrote it, then got the lease.
    const getMarker = deps.ledger.getMarker.bind(deps.ledger);
    let first = true;
    const late = new CampaignPlanner({
      ...deps,
      ledger: Object.assign(Object.create(deps.ledger) as typeof deps.ledger, {
        getMarker: async (campaignId: string, name: string) => {
          if (name.startsWith('pass:') && first) {
            first = false;
            return undefined;
          }
          return getMarker(campaignId, name);
        },
      }),
    });
    const pass = sandbox.spy(late, 'pass');
    expect(await late.planIfDue()).to.deep.equal({ kind: 'skipped', reason: 'doneToday' });
    expect(pass.called).to.equal(false);
    // And the lease was given back.
    expect(await deps.leases.acquire(late.leaseName, 'someone', 60_000)).to.be.a('string');
  });

  it('stops a pass whose lease was lost, without claiming or marking the day as planned', async () => {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: NOW });
    const id = await rig.addUser(1);
    const { deps } = rig.parts;
    // Renewals fail (another instance took the lease after a long stall of this one).
    const leases: LeaseStore = {
      acquire: (name, holder, ms) => deps.leases.acquire(name, holder, ms),
      renew: () => Promise.resolve(false),
      release: (name, leaseId) => deps.leases.release(name, leaseId),
    };
    // Members arrive slowly, so that a renewal is due before the first page.
    const directory: Directory = Object.assign(Object.create(deps.directory) as Directory, {
      transitiveMembers: async function* (groupId: string, options?: DirectoryCallOptions) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        yield* deps.directory.transitiveMembers(groupId, options);
      },
    });
    const planner = new CampaignPlanner({
      ...deps,
      leases,
      directory,
      delivery: { ...deps.delivery, plannerLeaseMs: 30 },
    });
    await expectRejection(planner.planIfDue(), /lease was lost/);
    expect(await rig.ledger(id)).to.deep.equal([]);
    expect(await deps.ledger.getMarker(deps.campaign.id, 'pass:d3')).to.equal(undefined);
  });
});
