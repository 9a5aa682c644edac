/**
 * A worker that has not read the registration report yet (a restarted `npm run nudge`, another instance)
 * decides on what the planner saw while that is as young as its own snapshot would have to be, so its first
 * send does not wait for a whole report read; anything older waits for the read.
 */
import { expect } from 'chai';
import { seenFor } from '../../src/nudges/campaignPlanner';
import { registeredMarker } from '../../src/nudges/campaignContext';
import { CampaignRig } from '../support/campaignRig';
import { until } from '../support/until';
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
  async function queuedWithPlannerLook(options: {
    stale: boolean;
    registered: boolean;
    noLook?: boolean;
  }): Promise<string> {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
    const id = await rig.addUser(1, { registered: options.registered });
    const { ledger, queue, campaign } = rig.parts.deps;
    const key = { campaignId: campaign.id, userId: id, nudge: 'd3' };
    await ledger.claim([{ ...key, group: 'Pupils', at: '2026-10-23T08:00:00.000Z' }]);
    const ageMs = 60_000 + (options.stale ? rig.parts.deps.delivery.recheckMs : 0);
    const readAt = rig.clock.now().getTime() - ageMs;
    const seen = options.noLook ? undefined : { methods: [], asOf: '2026-10-22T20:00:00.000Z', readAt };
    await queue.enqueue([{ ...key, firstName: 'Pupil1', seen }]);
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

  it('reads the "registered" mark again after waiting for its report read: an "I\'ve done it" meanwhile counts', async () => {
    const id = await queuedWithPlannerLook({ stale: false, registered: false, noLook: true });
    rig.graph.reportHeld = new Promise((resolve) => (release = resolve));
    const draining = rig.parts.worker.drain(300, 20);
    await until(() => rig.graph.reportPages.length > 0, { what: 'the worker’s report read begun' });
    // The pupil's live "I've done it" (in the bot's process) marks them while this worker waits for the report.
    const { ledger, campaign } = rig.parts.deps;
    await ledger.setMarker(campaign.id, registeredMarker(id), rig.clock.now().toISOString());
    // Held past the time a mark read with the send stays trusted.
    setTimeout(release, 1_200);
    await draining;
    expect(rig.headings(id)).to.deep.equal([]);
    expect((await rig.ledger(id)).map((e) => e.state)).to.deep.equal(['skippedRegistered']);
  });
});

describe("the planner's look a queued nudge carries", () => {
  const methods = [{ kind: 'authenticatorApp' as const }];

  it('a report row is dated by the report read it came from; a live look by when it was taken', () => {
    const readAt = Date.parse('2026-10-23T07:00:00Z');
    expect(
      seenFor({ userId: 'u', methods, source: 'report', asOf: '2026-10-20T10:00:00.000Z' }, readAt),
    ).to.deep.equal({ methods, asOf: '2026-10-20T10:00:00.000Z', readAt });
    // A user outside the report: an old look stays old, whatever the report read's age.
    expect(
      seenFor({ userId: 'u', methods, source: 'live', asOf: '2026-10-22T01:00:00.000Z' }, readAt),
    ).to.deep.equal({
      methods,
      asOf: '2026-10-22T01:00:00.000Z',
      readAt: Date.parse('2026-10-22T01:00:00.000Z'),
    });
  });

  it('nothing without a row, or from a process that never read the report', () => {
    expect(seenFor(undefined, Date.now())).to.equal(undefined);
    expect(seenFor({ userId: 'u', methods, source: 'report', asOf: '2026-10-20T10:00:00.000Z' }, 0)).to.equal(
      undefined,
    );
  });
});
