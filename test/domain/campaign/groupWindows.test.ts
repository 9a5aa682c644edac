import { expect } from 'chai';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import {
  campaignMoment,
  nextOpening,
  windowsOf,
  type CampaignMoment,
} from '../../../src/domain/campaign/campaignTime';
import { nudgeDue, type NudgeHistoryItem } from '../../../src/domain/campaign/nudgeDecision';
import { homeHint } from '../../../src/domain/campaign/windowHint';
import { parseSchoolPolicy } from '../../../src/domain/policy/schoolPolicy';
import { SAMPLE_POLICY_PATH } from '../../support/conversationHarness';
import { GOVERNORS, PUPILS, STAFF, windowsCampaign } from './windowsCampaignFixture';

const iso = (d: Date | undefined) => d?.toISOString();
const opensAt = (m: CampaignMoment) =>
  m.kind === 'paused' || m.kind === 'notStarted' ? iso(m.opensAt) : m.kind;

describe('Sending windows per target group (pure)', () => {
  const c = windowsCampaign();
  const at = (when: string, group?: string) => campaignMoment(c, new Date(when), group);

  it('keeps the stage days on school days, whatever the groups’ windows (a Saturday window makes no Saturday stage)', () => {
    expect(c.plan[0]).to.include({ key: 'd11', nominal: '2026-10-24', sendOn: '2026-10-23' });
    expect(c.stages.map((s) => [s.key, s.sendOn])).to.deep.equal([
      ['d11', '2026-10-23'],
      ['d2', '2026-11-02'],
      ['d0', '2026-11-04'],
    ]);
  });

  it('opens 15:45 local for pupils across the October clock change: 14:45Z in BST, 15:45Z in GMT', () => {
    expect(at('2026-10-23T14:44:00Z', PUPILS).kind).to.equal('paused');
    expect(opensAt(at('2026-10-23T14:44:00Z', PUPILS))).to.equal('2026-10-23T14:45:00.000Z');
    const friday = at('2026-10-23T14:45:00Z', PUPILS);
    expect(friday).to.include({ kind: 'open' });
    expect(friday.kind === 'open' && [friday.stage.key, iso(friday.closesAt)]).to.deep.equal([
      'd11',
      '2026-10-23T18:00:00.000Z',
    ]);
    // Monday 2 November, GMT: 14:45Z is 14:45 local, shut; it opens at 15:45Z.
    expect(opensAt(at('2026-11-02T14:45:00Z', PUPILS))).to.equal('2026-11-02T15:45:00.000Z');
    expect(at('2026-11-02T15:45:00Z', PUPILS)).to.include({ kind: 'open' });
    expect(at('2026-11-02T18:59:00Z', PUPILS)).to.include({ kind: 'open' });
    expect(at('2026-11-02T19:00:00Z', PUPILS).kind).to.equal('paused');
  });

  it('at 09:00 on a school day staff and the default window are open and pupils are not; at 15:45 the reverse for the default', () => {
    expect(at('2026-11-02T09:00:00Z', STAFF)).to.include({ kind: 'open' });
    expect(at('2026-11-02T09:00:00Z', GOVERNORS)).to.include({ kind: 'open' });
    expect(at('2026-11-02T09:00:00Z', PUPILS).kind).to.equal('paused');
    expect(at('2026-11-02T15:45:00Z', STAFF)).to.include({ kind: 'open' });
    expect(at('2026-11-02T15:45:00Z', GOVERNORS).kind).to.equal('paused');
    expect(at('2026-11-02T16:00:00Z', STAFF).kind).to.equal('paused');
  });

  it('a group without windows keeps to the campaign window, as a campaign without groups’ windows does', () => {
    expect(windowsOf(c, GOVERNORS)).to.deep.equal([
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '15:30', schoolDaysOnly: true },
    ]);
    expect(windowsOf(c, GOVERNORS)).to.deep.equal(windowsOf(c));
    for (const when of ['2026-10-23T07:29:00Z', '2026-10-23T14:29:00Z', '2026-10-24T09:00:00Z'])
      expect(at(when, GOVERNORS), when).to.deep.equal(at(when));
    expect(iso(nextOpening(c, new Date('2026-10-23T15:00:00Z'), GOVERNORS))).to.equal(
      '2026-11-02T08:30:00.000Z',
    );
  });

  it('opens the Saturday window on a Saturday in term (09:30 BST = 08:30Z), not on one in half term', () => {
    const inTerm = at('2026-10-24T08:30:00Z', PUPILS);
    expect(inTerm).to.include({ kind: 'open' });
    expect(inTerm.kind === 'open' && inTerm.window).to.include({ from: '09:30', to: '12:00' });
    expect(at('2026-10-24T08:29:00Z', PUPILS).kind).to.equal('paused');
    // Saturday 31 October is in half term: shut all day; pupils' next opening is Monday 2 November after school.
    const halfTerm = at('2026-10-31T10:00:00Z', PUPILS);
    expect(halfTerm.kind).to.equal('paused');
    expect(opensAt(halfTerm)).to.equal('2026-11-02T15:45:00.000Z');
    // Staff have no Saturday window: after Friday's close, the Monday after half term.
    expect(opensAt(at('2026-10-23T15:00:00Z', STAFF))).to.equal('2026-11-02T08:30:00.000Z');
    // Friday evening's close → Saturday morning is the next pupils' opening.
    expect(iso(nextOpening(c, new Date('2026-10-23T18:00:00Z'), PUPILS))).to.equal(
      '2026-10-24T08:30:00.000Z',
    );
  });

  describe('which nudge is owed, per group', () => {
    const h = (nudge: string, state: NudgeHistoryItem['state'], extra: Partial<NudgeHistoryItem> = {}) => ({
      nudge,
      state,
      updatedAt: '2026-10-23T15:00:00.000Z',
      ...extra,
    });
    const due = (when: string, group: string | undefined, history: NudgeHistoryItem[] = []) =>
      nudgeDue({ campaign: c, now: new Date(when), history, group });

    it('the stage whose last school day is Friday is caught up on Saturday morning, once, in that stage', () => {
      // Missed on Friday evening (never claimed): Saturday 09:30 sends the Friday stage.
      expect(due('2026-10-24T08:30:00Z', PUPILS)).to.include({ kind: 'send', nudge: 'd11' });
      expect(due('2026-10-24T08:30:00Z', PUPILS, [h('d11', 'sent')])).to.deep.equal({
        kind: 'none',
        reason: 'alreadyNudged',
      });
      // Staff, shut on Saturday, wait for Monday, when the next stage has replaced it.
      const staff = due('2026-10-24T08:30:00Z', STAFF);
      expect(staff).to.include({ kind: 'wait', nudge: 'd11', reason: 'window' });
      expect(staff.kind === 'wait' && iso(staff.until)).to.equal('2026-11-02T08:30:00.000Z');
      expect(due('2026-11-02T08:30:00Z', STAFF)).to.include({ kind: 'send', nudge: 'd2' });
      // Never two stages at once: the pupil nudged on Saturday gets the next stage's on Monday evening.
      expect(due('2026-11-02T15:45:00Z', PUPILS, [h('d11', 'sent')])).to.include({
        kind: 'send',
        nudge: 'd2',
      });
    });

    it('a snooze waits for the next opening of the user’s own windows', () => {
      // Snoozed on Friday at 16:00 BST for a day: pupils' Saturday window has closed by then; half term follows.
      const snoozed = [h('d11', 'snoozed', { snoozedUntil: '2026-10-24T15:00:00.000Z' })];
      const pupil = due('2026-10-24T09:00:00Z', PUPILS, snoozed);
      expect(pupil).to.include({ kind: 'wait', nudge: 'd11+s1', reason: 'snoozed' });
      expect(pupil.kind === 'wait' && iso(pupil.until)).to.equal('2026-11-02T15:45:00.000Z');
      // Snoozed until Saturday 09:00 BST: the pupil's reminder comes at 09:30, inside the Saturday window.
      const early = [h('d11', 'snoozed', { snoozedUntil: '2026-10-24T08:00:00.000Z' })];
      const saturday = due('2026-10-23T16:00:00Z', PUPILS, early);
      expect(saturday.kind === 'wait' && iso(saturday.until)).to.equal('2026-10-24T08:30:00.000Z');
      const staff = due('2026-10-23T16:00:00Z', STAFF, early);
      expect(staff.kind === 'wait' && iso(staff.until)).to.equal('2026-11-02T08:30:00.000Z');
    });

    it('says in which window a nudge owed now goes out', () => {
      const evening = due('2026-11-02T16:00:00Z', PUPILS);
      expect(evening.kind === 'send' && evening.window).to.include({ from: '15:45', to: '19:00' });
    });
  });

  describe('what the nudge says about when to do it', () => {
    const windowAt = (when: string, group?: string) => {
      const m = at(when, group);
      if (m.kind !== 'open') throw new Error(`shut at ${when}`);
      return m.window;
    };
    it('at home after school: this evening; on a Saturday morning: this morning; in the school day: nothing', () => {
      expect(homeHint(c, windowAt('2026-11-02T15:45:00Z', PUPILS), '2026-11-02')).to.equal('evening');
      expect(homeHint(c, windowAt('2026-10-24T08:30:00Z', PUPILS), '2026-10-24')).to.equal('morning');
      expect(homeHint(c, windowAt('2026-11-02T09:00:00Z', STAFF), '2026-11-02')).to.equal(undefined);
      expect(homeHint(c, windowAt('2026-11-02T09:00:00Z', GOVERNORS), '2026-11-02')).to.equal(undefined);
    });

    it('a daytime window on a day without school is at home, today', () => {
      const daytime = { days: ['wed' as const], from: '10:00', to: '16:00', schoolDaysOnly: false };
      expect(homeHint(c, daytime, '2026-10-28')).to.equal('today');
      expect(homeHint(c, daytime, '2026-11-04')).to.equal(undefined);
    });
  });

  describe('the policy file', () => {
    const sample = loadSchoolPolicy(SAMPLE_POLICY_PATH);
    const withGroups = (groups: unknown) =>
      parseSchoolPolicy({
        ...JSON.parse(JSON.stringify(sample)),
        campaign: {
          ...JSON.parse(JSON.stringify(sample.campaign)),
          targets: { groups },
        },
      });

    it('the sample: pupils after school and Saturday mornings in term, staff in the school day', () => {
      const [pupils, staff] = sample.campaign!.targets.groups;
      expect(pupils!.windows).to.deep.equal([
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '15:45', to: '19:00', schoolDaysOnly: true },
        { days: ['sat'], from: '09:30', to: '12:00', schoolDaysOnly: true },
      ]);
      expect(staff!.windows).to.deep.equal([
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '16:00', schoolDaysOnly: true },
      ]);
    });

    it('refuses a window that ends before it starts, and two windows of a group that overlap', () => {
      const bad = withGroups([
        { id: PUPILS, name: 'Pupils', windows: [{ days: ['mon'], from: '19:00', to: '15:45' }] },
        {
          id: STAFF,
          name: 'Staff',
          windows: [
            { days: ['mon', 'tue'], from: '08:30', to: '12:00' },
            { days: ['tue'], from: '11:00', to: '16:00' },
          ],
        },
      ]);
      expect(bad.ok).to.equal(false);
      const problems = bad.ok ? [] : bad.problems;
      expect(problems).to.include(
        "campaign.targets.groups.0.windows.0: a window's from must be earlier than its to",
      );
      expect(problems).to.include(
        'campaign.targets.groups.1.windows: two windows of the group overlap (same day, same hours): make them one',
      );
      // Windows that only touch (one ends as the next begins) are fine.
      const touching = withGroups([
        {
          id: STAFF,
          name: 'Staff',
          windows: [
            { days: ['tue'], from: '08:30', to: '12:00' },
            { days: ['tue'], from: '12:00', to: '16:00' },
          ],
        },
      ]);
      expect(touching.ok, touching.ok ? '' : touching.problems.join('\n')).to.equal(true);
    });
  });
});
