import { expect } from 'chai';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import {
  buildCampaign,
  campaignMoment,
  nextOpening,
  type Campaign,
} from '../../../src/domain/campaign/campaignTime';
import { nudgeDue, type NudgeHistoryItem } from '../../../src/domain/campaign/nudgeDecision';
import { instantAt, wallClockAt } from '../../../src/domain/campaign/zonedTime';
import { parseSchoolPolicy } from '../../../src/domain/policy/schoolPolicy';
import { SAMPLE_POLICY_PATH } from '../../support/conversationHarness';
import { clockChangeCampaignPolicy } from '../../nudges/campaignPolicyFixture';

const sample = loadSchoolPolicy(SAMPLE_POLICY_PATH);
const sampleCampaign = () =>
  buildCampaign(sample.campaign!, sample.registration.enforcementDate, 'Europe/London');

/** A campaign around the autumn clock change (Sunday 25 October 2026), with no half term in the way. */
export function clockChangeCampaign(): Campaign {
  return buildCampaign(clockChangeCampaignPolicy(), '2026-10-28', 'Europe/London');
}

describe('Campaign planning (pure)', () => {
  it('reads the sample policy: the Christmas holiday moves the 21- and 14-day reminders to the last day of term, as one', () => {
    const c = sampleCampaign();
    expect(c.id).to.equal('enforcement-2027-01-11');
    const byKey = Object.fromEntries(c.plan.map((s) => [s.key, s]));
    expect(byKey.d21).to.include({ nominal: '2026-12-21', sendOn: '2026-12-18', mergedInto: 'd14' });
    expect(byKey.d21!.moved).to.deep.equal({ why: 'outOfTerm', name: 'holiday after Autumn term' });
    expect(byKey.d14).to.include({ nominal: '2026-12-28', sendOn: '2026-12-18' });
    expect(byKey.d1).to.include({ nominal: '2027-01-10', sendOn: '2027-01-08' });
    expect(byKey.d1!.mergedInto).to.equal(undefined);
    expect(c.stages.map((s) => [s.key, s.sendOn])).to.deep.equal([
      ['d14', '2026-12-18'],
      ['d7', '2027-01-04'],
      ['d1', '2027-01-08'],
      ['d0', '2027-01-11'],
    ]);
    expect(byKey.d3).to.include({ sendOn: '2027-01-08', mergedInto: 'd1' });
  });

  it('moves off days later, or drops them, when the policy says so', () => {
    const later = buildCampaign({ ...sample.campaign!, offDays: 'later' }, '2027-01-11', 'Europe/London');
    expect(later.stages.map((s) => [s.key, s.sendOn])).to.deep.equal([
      ['d7', '2027-01-04'],
      ['d3', '2027-01-08'],
      ['d0', '2027-01-11'],
    ]);
    const skip = buildCampaign({ ...sample.campaign!, offDays: 'skip' }, '2027-01-11', 'Europe/London');
    expect(skip.stages.map((s) => s.key)).to.deep.equal(['d7', 'd3', 'd0']);
  });

  it('rejects overlapping terms, holidays outside terms and a window that ends before it starts', () => {
    const bad = parseSchoolPolicy({
      ...JSON.parse(JSON.stringify(sample)),
      campaign: {
        ...JSON.parse(JSON.stringify(sample.campaign)),
        window: { from: '15:00', to: '09:00' },
        holidays: [{ name: 'Easter', from: '2027-03-29', to: '2027-04-09' }],
        terms: [
          { name: 'A', from: '2026-09-01', to: '2026-12-18' },
          { name: 'B', from: '2026-12-01', to: '2027-03-25' },
        ],
      },
    });
    expect(bad.ok).to.equal(false);
    const problems = bad.ok ? '' : bad.problems.join('\n');
    expect(problems).to.match(/window\.from must be earlier/);
    expect(problems).to.match(/"Easter" is outside every term/);
    expect(problems).to.match(/overlap/);
  });

  it('sends at the local window opening across the clock change (09:00 BST = 08:00Z, 09:00 GMT = 09:00Z)', () => {
    const c = clockChangeCampaign();
    // d3 is Sunday 25 October, the clock-change day: it moves to Friday 23 October (BST).
    expect(c.stages.map((s) => [s.key, s.sendOn])).to.deep.equal([
      ['d3', '2026-10-23'],
      ['d1', '2026-10-27'],
      ['d0', '2026-10-28'],
    ]);
    expect(instantAt('2026-10-23', '09:00', 'Europe/London').toISOString()).to.equal(
      '2026-10-23T08:00:00.000Z',
    );
    expect(instantAt('2026-10-27', '09:00', 'Europe/London').toISOString()).to.equal(
      '2026-10-27T09:00:00.000Z',
    );
    expect(campaignMoment(c, new Date('2026-10-22T12:00:00Z')).kind).to.equal('notStarted');
    expect(campaignMoment(c, new Date('2026-10-23T07:59:00Z')).kind).to.equal('paused');
    expect(campaignMoment(c, new Date('2026-10-23T08:00:00Z'))).to.include({ kind: 'open' });
    // Monday 26 at 08:30Z is 08:30 GMT: closed, opens at 09:00Z (it would have been open at 08:30Z in BST).
    const monday = campaignMoment(c, new Date('2026-10-26T08:30:00Z'));
    expect(monday.kind).to.equal('paused');
    expect(monday.kind === 'paused' && monday.opensAt?.toISOString()).to.equal('2026-10-26T09:00:00.000Z');
    // Friday evening → the next opening is Monday 09:00 GMT, not 08:00Z.
    expect(nextOpening(c, new Date('2026-10-23T15:00:00Z'))?.toISOString()).to.equal(
      '2026-10-26T09:00:00.000Z',
    );
    expect(wallClockAt(new Date('2026-10-26T09:00:00Z'), 'Europe/London')).to.deep.equal({
      date: '2026-10-26',
      time: '09:00',
    });
    expect(campaignMoment(c, new Date('2026-10-29T10:00:00Z')).kind).to.equal('over');
  });

  it('turns a spring-forward gap time into the wall-clock time after it', () => {
    expect(instantAt('2027-03-28', '01:30', 'Europe/London').toISOString()).to.equal(
      '2027-03-28T01:30:00.000Z',
    );
    expect(instantAt('2027-03-29', '01:30', 'Europe/London').toISOString()).to.equal(
      '2027-03-29T00:30:00.000Z',
    );
  });

  describe('which nudge is owed', () => {
    const c = clockChangeCampaign();
    const at = (iso: string, history: NudgeHistoryItem[] = [], reachableSince?: string) =>
      nudgeDue({ campaign: c, now: new Date(iso), history, reachableSince });
    const h = (nudge: string, state: NudgeHistoryItem['state'], extra: Partial<NudgeHistoryItem> = {}) => ({
      nudge,
      state,
      updatedAt: '2026-10-23T08:01:00.000Z',
      ...extra,
    });

    it('the current stage once, inside the window; later stages replace earlier ones', () => {
      expect(at('2026-10-23T08:30:00Z')).to.include({ kind: 'send', nudge: 'd3' });
      expect(at('2026-10-23T08:30:00Z', [h('d3', 'sent')])).to.deep.equal({
        kind: 'none',
        reason: 'alreadyNudged',
      });
      expect(at('2026-10-23T08:30:00Z', [h('d3', 'queued')])).to.include({ kind: 'send', nudge: 'd3' });
      expect(at('2026-10-24T10:00:00Z')).to.include({ kind: 'wait', nudge: 'd3', reason: 'window' });
      expect(at('2026-10-27T09:00:00Z', [h('d3', 'sent')])).to.include({ kind: 'send', nudge: 'd1' });
    });

    it('after a snooze: waits until it ends and the window opens, then the snooze reminder', () => {
      const snoozed = [h('d3', 'snoozed', { snoozedUntil: '2026-10-24T09:00:00.000Z' })];
      const waiting = at('2026-10-23T12:00:00Z', snoozed);
      expect(waiting).to.include({ kind: 'wait', nudge: 'd3+s1', reason: 'snoozed' });
      expect(waiting.kind === 'wait' && waiting.until.toISOString()).to.equal('2026-10-26T09:00:00.000Z');
      expect(at('2026-10-26T09:00:00Z', snoozed)).to.include({ kind: 'send', nudge: 'd3+s1' });
      // A stage that comes due during a snooze waits for the snooze too.
      const long = [h('d3', 'snoozed', { snoozedUntil: '2026-10-27T13:00:00.000Z' })];
      expect(at('2026-10-27T10:00:00Z', long)).to.include({ kind: 'wait', nudge: 'd1', reason: 'snoozed' });
    });

    it('nobody who blocked the bot, until they speak to it again', () => {
      const blocked = [h('d3', 'blocked', { updatedAt: '2026-10-23T08:05:00.000Z' })];
      expect(at('2026-10-27T09:30:00Z', blocked)).to.deep.equal({ kind: 'none', reason: 'blocked' });
      expect(at('2026-10-27T09:30:00Z', blocked, '2026-10-26T12:00:00.000Z')).to.include({
        kind: 'send',
        nudge: 'd1',
      });
    });
  });
});
