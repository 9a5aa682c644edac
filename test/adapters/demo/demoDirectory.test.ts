import { expect } from 'chai';
import { DemoDirectory } from '../../../src/adapters/demo/demoDirectory';
import { DEMO_GROUPS, DEMO_USERS } from '../../../src/adapters/demo/demoSchool';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import { availableMethods } from '../../../src/domain/policy/availability';
import { evaluateRegistration } from '../../../src/domain/registration/evaluateRegistration';
import type { DirectoryUser, RegistrationDetails } from '../../../src/ports/directory';
import { SAMPLE_POLICY_PATH, TestClock } from '../../support/conversationHarness';

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page);
  return items;
}

describe('Demo directory', () => {
  const clock = new TestClock(new Date('2026-11-30T10:00:00Z'));
  const directory = new DemoDirectory(clock);
  const availability = availableMethods(loadSchoolPolicy(SAMPLE_POLICY_PATH), '2026-11-30');

  it('says which of many ids are users of the school, in one call', async () => {
    const left = '5a000000-0000-4000-8000-0000000000ff';
    expect(
      await directory.existingUserIds([DEMO_USERS.samTaylor.toUpperCase(), left, DEMO_USERS.priyaShah]),
    ).to.deep.equal(new Set([DEMO_USERS.samTaylor, DEMO_USERS.priyaShah]));
  });

  it('has the five well-known users with their ids, UPNs and states', async () => {
    const expected: [string, string, string, string[]][] = [
      [DEMO_USERS.samTaylor, 'sam.taylor@kscs.org.uk', 'Year 8', ['nothingRegistered']],
      [DEMO_USERS.priyaShah, 'priya.shah@kscs.org.uk', 'Year 10', ['secondMethodMissing']],
      [DEMO_USERS.jordanLee, 'jordan.lee@kscs.org.uk', 'Year 7', ['secondMethodMissing', 'phoneOnly']],
      [DEMO_USERS.kateEllis, 'k.ellis@kscs.org.uk', 'English', []],
      [DEMO_USERS.danielOkafor, 'd.okafor@kscs.org.uk', 'IT Support', []],
    ];
    for (const [id, upn, department, reasons] of expected) {
      const user = await directory.findUserByUpn(upn);
      expect(user?.id, upn).to.equal(id);
      expect(user?.department).to.equal(department);
      const live = await directory.liveMethods(id);
      const result = evaluateRegistration(live!.methods, availability);
      expect(
        result.reasons.map((r) => r.code),
        upn,
      ).to.deep.equal(reasons);
    }
    expect((await directory.getUser(DEMO_USERS.samTaylor))?.displayName).to.equal('Sam Taylor');
  });

  it('puts Daniel on the service desk and in IT staff (nested), and no pupil there', async () => {
    expect(await directory.isTransitiveMemberOf(DEMO_USERS.danielOkafor, DEMO_GROUPS.serviceDesk)).to.equal(
      true,
    );
    expect(await directory.isTransitiveMemberOf(DEMO_USERS.danielOkafor, DEMO_GROUPS.itStaff)).to.equal(true);
    expect(await directory.isTransitiveMemberOf(DEMO_USERS.samTaylor, DEMO_GROUPS.itStaff)).to.equal(false);
    expect(await directory.isTransitiveMemberOf(DEMO_USERS.samTaylor, DEMO_GROUPS.year8)).to.equal(true);
    expect(await directory.isTransitiveMemberOf(DEMO_USERS.kateEllis, DEMO_GROUPS.allStaff)).to.equal(true);
    const itStaff: DirectoryUser[] = await all(directory.transitiveMembers(DEMO_GROUPS.itStaff));
    expect(itStaff.map((u) => u.jobTitle)).to.include.members(['IT Technician', 'Network Manager']);
  });

  it('is a school of a few hundred in varied states, the same on every start', async () => {
    const report: RegistrationDetails[] = await all(directory.registrationReport());
    expect(report.length).to.be.within(300, 400);
    const pupils = await all(directory.transitiveMembers(DEMO_GROUPS.allPupils));
    expect(pupils).to.have.length(300);
    const codes = new Set(
      report.flatMap((r) => evaluateRegistration(r.methods, availability).reasons.map((x) => x.code)),
    );
    expect([...codes]).to.include.members([
      'nothingRegistered',
      'secondMethodMissing',
      'phoneOnly',
      'questionsOnlySecond',
      'emailUnchecked',
    ]);
    expect(
      report.filter((r) => evaluateRegistration(r.methods, availability).complete).length,
    ).to.be.greaterThan(50);
    const again = await all(new DemoDirectory(clock).registrationReport());
    expect(again.map((r) => r.userId)).to.deep.equal(report.map((r) => r.userId));
  });

  it('answers like Graph: the report hides addresses and lags; live looks miss security questions', async () => {
    const schoolEmail = (await all(directory.registrationReport({ methodRegistered: 'email' }))).length;
    expect(schoolEmail).to.be.greaterThan(0);
    const row = await directory.registrationDetails(DEMO_USERS.kateEllis);
    expect(row?.methods).to.deep.include({ kind: 'email' });
    expect(Date.parse(row!.lastUpdated)).to.be.lessThan(clock.now().getTime());
    const live = await directory.liveMethods(DEMO_USERS.kateEllis);
    expect(live?.methods).to.deep.include({ kind: 'email', onSchoolDomain: false });
    const notMfa = await all(directory.registrationReport({ isMfaRegistered: false }));
    expect(notMfa.every((r) => !r.isMfaRegistered)).to.equal(true);
  });
});
