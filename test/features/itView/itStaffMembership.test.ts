import { expect } from 'chai';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import { ItStaffMembership } from '../../../src/features/itView/itStaffMembership';
import { SAMPLE_POLICY_PATH, TestClock } from '../../support/conversationHarness';
import { SMALL_PEOPLE, SmallSchoolDirectory } from '../../support/itView/smallSchool';

describe("IT's view: who is IT staff", () => {
  const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
  let clock: TestClock;
  let directory: SmallSchoolDirectory;
  let staff: ItStaffMembership;
  beforeEach(() => {
    clock = new TestClock(new Date('2026-12-01T10:00:00Z'));
    directory = new SmallSchoolDirectory();
    staff = new ItStaffMembership({ policy, directory, clock });
  });

  it("trusts a member for the policy's minutes (5), then asks the directory again", async () => {
    expect(await staff.isItStaff(SMALL_PEOPLE.ada.toUpperCase())).to.equal(true);
    clock.advance(4 * 60_000 + 59_000);
    expect(await staff.isItStaff(SMALL_PEOPLE.ada)).to.equal(true);
    expect(directory.calls.membership).to.equal(1);
    clock.advance(2000);
    expect(await staff.isItStaff(SMALL_PEOPLE.ada)).to.equal(true);
    expect(directory.calls.membership).to.equal(2);
  });

  it('trusts a "no" for a minute only, so someone just added to IT is not kept waiting', async () => {
    expect(await staff.isItStaff(SMALL_PEOPLE.dee)).to.equal(false);
    clock.advance(59_000);
    expect(await staff.isItStaff(SMALL_PEOPLE.dee)).to.equal(false);
    expect(directory.calls.membership).to.equal(1);
    clock.advance(2000);
    await staff.isItStaff(SMALL_PEOPLE.dee);
    expect(directory.calls.membership).to.equal(2);
  });

  it('is false for everyone, with no directory call, when the policy names no IT staff group', async () => {
    const none = new ItStaffMembership({ policy: { ...policy, groups: {} }, directory, clock });
    expect(await none.isItStaff(SMALL_PEOPLE.ada)).to.equal(false);
    expect(directory.calls.membership).to.equal(0);
  });
});
