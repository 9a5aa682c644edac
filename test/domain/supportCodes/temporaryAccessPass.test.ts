import { expect } from 'chai';
import {
  passInstructions,
  whyNotConfirm,
  whyNotGive,
  type GrantFacts,
} from '../../../src/domain/supportCodes/temporaryAccessPass';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import { SAMPLE_POLICY_PATH } from '../../support/conversationHarness';

const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
const ON = { ...policy.temporaryAccessPass, enabled: true, verifiedWithinMinutes: 10 };
const DESK = { id: 'desk-1', isDeskMember: true };
const CHECKED = '2026-11-30T10:00:00.000Z';
const at = (minutes: number, seconds = 0) =>
  new Date(Date.parse(CHECKED) + minutes * 60_000 + seconds * 1000);

const byCode: GrantFacts = { deskMemberId: 'desk-1', createdAt: CHECKED, via: 'supportCode' };
const inPerson: GrantFacts = { deskMemberId: 'desk-1', createdAt: CHECKED, via: 'inPerson' };

describe("the desk's Temporary Access Pass: rules", () => {
  it('a desk member may give a pass on their own fresh grant, up to the policy minutes after the check', () => {
    expect(whyNotGive(ON, DESK, byCode, at(0))).to.equal(undefined);
    expect(whyNotGive(ON, DESK, byCode, at(10))).to.equal(undefined);
    expect(whyNotGive(ON, DESK, byCode, at(10, 1))).to.equal('tooOld');
    expect(whyNotGive({ ...ON, verifiedWithinMinutes: 30 }, DESK, byCode, at(29))).to.equal(undefined);
  });

  it('refuses, in this order: feature off, not in the desk group, not their grant, already given', () => {
    expect(whyNotGive({ ...ON, enabled: false }, DESK, byCode, at(1))).to.equal('featureOff');
    expect(whyNotGive(ON, { ...DESK, isDeskMember: false }, byCode, at(1))).to.equal('notDeskMember');
    expect(whyNotGive(ON, { id: 'desk-2', isDeskMember: true }, byCode, at(1))).to.equal('notYourGrant');
    expect(whyNotGive(ON, DESK, undefined, at(1))).to.equal('notYourGrant');
    // A second press says "already given", even once it is also too old.
    const given = { ...byCode, claimedAt: at(1).toISOString() };
    expect(whyNotGive(ON, DESK, given, at(2))).to.equal('alreadyGiven');
    expect(whyNotGive(ON, DESK, given, at(60))).to.equal('alreadyGiven');
    // A pupil pressing the desk's button is refused before anything about the grant is said.
    expect(whyNotGive(ON, { id: 'pupil', isDeskMember: false }, undefined, at(1))).to.equal('notDeskMember');
  });

  it('an in-person grant needs the confirmation first, and counts its minutes from the confirmation', () => {
    expect(whyNotGive(ON, DESK, inPerson, at(1))).to.equal('notConfirmedInPerson');
    const confirmed = { ...inPerson, confirmedInPersonAt: at(8).toISOString() };
    expect(whyNotGive(ON, DESK, confirmed, at(17))).to.equal(undefined);
    expect(whyNotGive(ON, DESK, confirmed, at(18, 1))).to.equal('tooOld');
  });

  it('the in-person check is confirmed once, on an in-person grant of the same member, while its card is fresh', () => {
    expect(whyNotConfirm(ON, DESK, inPerson, at(3))).to.equal(undefined);
    expect(whyNotConfirm(ON, DESK, inPerson, at(10, 1))).to.equal('tooOld');
    expect(whyNotConfirm(ON, DESK, byCode, at(3))).to.equal('notYourGrant');
    expect(whyNotConfirm(ON, { id: 'desk-2', isDeskMember: true }, inPerson, at(3))).to.equal('notYourGrant');
    expect(whyNotConfirm(ON, { ...DESK, isDeskMember: false }, inPerson, at(3))).to.equal('notDeskMember');
    expect(whyNotConfirm({ ...ON, enabled: false }, DESK, inPerson, at(3))).to.equal('featureOff');
    const confirmed = { ...inPerson, confirmedInPersonAt: at(1).toISOString() };
    expect(whyNotConfirm(ON, DESK, confirmed, at(2))).to.equal('alreadyConfirmed');
  });

  it("tells the person where to go, and until when the pass works on the school's clock", () => {
    // 23:30 UTC in summer is half past midnight the next day in London.
    const summer = passInstructions(policy, {
      startsAt: '2026-06-30T22:30:00.000Z',
      expiresAt: '2026-06-30T23:30:00.000Z',
      usableOnce: true,
    });
    expect(summer).to.deep.equal({
      registrationUrl: 'https://aka.ms/mfasetup',
      expiresLocal: { date: '2026-07-01', time: '00:30' },
      lifetimeMinutes: 60,
      usableOnce: true,
    });
    const winter = passInstructions(policy, {
      startsAt: '2026-11-30T10:00:00.000Z',
      expiresAt: '2026-11-30T12:00:00.000Z',
      usableOnce: false,
    });
    expect(winter).to.deep.include({
      expiresLocal: { date: '2026-11-30', time: '12:00' },
      lifetimeMinutes: 120,
    });
  });
});
