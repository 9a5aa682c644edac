import { expect } from 'chai';
import { emptyPassSummary, type PassSummary } from '../../src/nudges/campaignPlanner';
import { lastPassesOf, withLastPass } from '../../src/nudges/lastPasses';

const pass = (at: string, groups: string[]): PassSummary => ({
  ...emptyPassSummary(at, groups),
  members: 1,
  queued: 1,
});

describe("The campaign report's last passes (pure)", () => {
  it('an unreadable marker costs only itself: the report still lists what the other holds', () => {
    const passes = withLastPass(undefined, pass('2026-12-01T09:00:00Z', ['staff']));
    expect(lastPassesOf(passes, '{not json').map((p) => p.at)).to.deep.equal(['2026-12-01T09:00:00Z']);
    const legacy = JSON.stringify(pass('2026-11-30T15:45:00Z', []));
    expect(lastPassesOf('{not json', legacy).map((p) => p.at)).to.deep.equal(['2026-11-30T15:45:00Z']);
    // And a pass recorded over an unreadable marker starts it afresh.
    const afresh = withLastPass('{not json', pass('2026-12-01T16:00:00Z', ['pupils']));
    expect(lastPassesOf(afresh, undefined).map((p) => p.groups)).to.deep.equal([['pupils']]);
  });
});
