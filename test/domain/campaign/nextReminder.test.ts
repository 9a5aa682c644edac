import { expect } from 'chai';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import { memberStanding, type MemberFacts } from '../../../src/domain/campaign/memberStanding';
import { nextReminder } from '../../../src/domain/campaign/nextReminder';
import { availableMethods } from '../../../src/domain/policy/availability';
import { SAMPLE_POLICY_PATH } from '../../support/conversationHarness';
import { windowsCampaign } from './windowsCampaignFixture';

describe('The next reminder and when each group gets it (pure)', () => {
  const c = windowsCampaign();
  const next = (when: string) => {
    const found = nextReminder(c, new Date(when));
    return found && [found.stage.key, ...found.openings.map((o) => o.opensAt?.toISOString() ?? null)];
  };

  it('before the campaign: the first stage, at each group’s first window of its day', () => {
    expect(next('2026-10-20T10:00:00Z')).to.deep.equal([
      'd11',
      '2026-10-23T14:45:00.000Z',
      '2026-10-23T07:30:00.000Z',
      '2026-10-23T07:30:00.000Z',
    ]);
  });

  it('on the stage’s Friday evening: still next for pupils (Saturday morning), none of it for staff or governors', () => {
    expect(next('2026-10-23T18:30:00Z')).to.deep.equal(['d11', '2026-10-24T08:30:00.000Z', null, null]);
  });

  it('on the Saturday morning after it, before the catch-up window: still the Friday stage, for pupils', () => {
    expect(next('2026-10-24T07:00:00Z')).to.deep.equal(['d11', '2026-10-24T08:30:00.000Z', null, null]);
  });

  it('once the Saturday window has shut, the next stage, after half term and the clock change', () => {
    expect(next('2026-10-24T11:00:00Z')).to.deep.equal([
      'd2',
      '2026-11-02T15:45:00.000Z',
      '2026-11-02T08:30:00.000Z',
      '2026-11-02T08:30:00.000Z',
    ]);
  });

  it('inside a window, now', () => {
    expect(next('2026-11-04T12:00:00Z')).to.deep.equal([
      'd0',
      '2026-11-04T15:45:00.000Z',
      '2026-11-04T12:00:00.000Z',
      '2026-11-04T12:00:00.000Z',
    ]);
  });

  it('after the last window of the deadline day: none', () => {
    expect(nextReminder(c, new Date('2026-11-04T19:00:00Z'))).to.equal(undefined);
  });
});

describe('Where a member stands before a nudge is decided (pure)', () => {
  const availability = availableMethods(loadSchoolPolicy(SAMPLE_POLICY_PATH), '2026-12-01');
  const stand = (facts: Partial<MemberFacts>) =>
    memberStanding({ excluded: false, accountEnabled: true, registeredLive: false, availability, ...facts });
  const app = { kind: 'authenticatorApp' } as const;

  it('left out and disabled come first, whatever else is known', () => {
    expect(stand({ excluded: true, accountEnabled: false, registeredLive: true })).to.deep.equal({
      kind: 'excluded',
    });
    expect(stand({ accountEnabled: false, registeredLive: true })).to.deep.equal({ kind: 'disabled' });
  });

  it('a live "done" stands however old the report row; no row at all is not registered', () => {
    expect(stand({ registeredLive: true, methods: [] })).to.deep.equal({ kind: 'registered' });
    expect(stand({})).to.deep.equal({ kind: 'unregistered' });
  });

  it('an email whose address nobody has seen waits for a look; one seen on the school domain is the gap', () => {
    expect(stand({ methods: [app, { kind: 'email' }] })).to.deep.equal({ kind: 'emailUnseen' });
    expect(stand({ methods: [app, { kind: 'email', onSchoolDomain: false }] })).to.deep.equal({
      kind: 'registered',
    });
    expect(stand({ methods: [app, { kind: 'email', onSchoolDomain: true }] })).to.deep.equal({
      kind: 'unregistered',
      problem: 'schoolEmail',
    });
    expect(stand({ methods: [app] })).to.deep.equal({ kind: 'unregistered' });
  });
});
