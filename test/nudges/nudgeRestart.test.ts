/**
 * A worker that has not read the registration report yet (a restarted `npm run nudge`, another instance)
 * decides on what the planner saw while that is as young as its own snapshot would have to be, so its first
 * send does not wait for a whole report read; anything older waits for the read.
 */
import { expect } from 'chai';
import { CampaignRig } from '../support/campaignRig';
import { clockChangePolicy } from './campaignPolicyFixture';

describe('Nudge worker before its first report read (a restart)', function () {
  let rig: CampaignRig;
  let release: () => void = () => undefined;

  afterEach(async () => {
    release();
    await rig?.close();
  });

  /**
   * One pupil with a queued d3 nudge whose planner saw no methods, from a report read a minute ago, or a minute
   * more than the recheck age ago (`stale`).
   */
  async function queuedWithPlannerLook(options: { stale: boolean; registered: boolean }): Promise<string> {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
    const id = await rig.addUser(1, { registered: options.registered });
    const { ledger, queue, campaign } = rig.parts.deps;
    const key = { campaignId: campaign.id, userId: id, nudge: 'd3' };
    await ledger.claim([{ ...key, group: 'Pupils', at: '2026-10-23T08:00:00.000Z' }]);
    const ageMs = 60_000 + (options.stale ? rig.parts.deps.delivery.recheckMs : 0);
    const readAt = rig.clock.now().getTime() - ageMs;
    await queue.enqueue([
      { ...key, firstName: 'Pupil1', seen: { methods: [], asOf: '2026-10-22T20:00:00.000Z', readAt } },
    ]);
    return id;
  }

  it("sends on the planner's young look while its own report read is still held", async () => {
    const id = await queuedWithPlannerLook({ stale: false, registered: false });
    rig.graph.reportHeld = new Promise((resolve) => (release = resolve));
    await rig.parts.worker.drain(300, 20);
    expect(rig.headings(id)).to.have.length(1);
    expect(
      rig.graph.reportPages.map((p) => p.first),
      'one read begun, still held',
    ).to.deep.equal([true]);
    expect((await rig.ledger(id)).map((e) => e.state)).to.deep.equal(['sent']);
  });

  it("waits for its own read when the planner's look is older than the recheck age: registered since, not nudged", async () => {
    const id = await queuedWithPlannerLook({ stale: true, registered: true });
    await rig.parts.worker.drain(300, 20);
    expect(rig.headings(id)).to.deep.equal([]);
    expect((await rig.ledger(id)).map((e) => e.state)).to.deep.equal(['skippedRegistered']);
    expect(
      rig.graph.reportPages.filter((p) => p.first),
      'its own read',
    ).to.have.length(1);
  });
});
