import { expect } from 'chai';
import { availableMethods } from '../../src/domain/policy/availability';
import { daysBetween, formatLongDate, localDateOf } from '../../src/domain/policy/localDate';
import { parseSchoolPolicy, type SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { SAMPLE_POLICY_PATH } from '../support/conversationHarness';

const minimal = {
  school: { name: 'Test School', domains: ['Test.sch.uk'], timeZone: 'Europe/London' },
  registration: { enforcementDate: '2027-01-11' },
  support: { room: 'IT1', mailbox: 'it@test.sch.uk', hours: { from: '08:30', to: '16:00' } },
};

function policy(doc: unknown = minimal): SchoolPolicy {
  const result = parseSchoolPolicy(doc);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.policy;
}

describe('school policy', () => {
  it("fills in Microsoft's retirement dates when the file leaves them out", () => {
    const p = policy();
    expect(p.methods.first.sms.until).to.equal('2027-02-01');
    expect(p.methods.first.voice.until).to.equal('2027-02-01');
    expect(p.methods.second.securityQuestions).to.include({ until: '2027-03-01', discouraged: true });
    expect(p.registration.url).to.equal('https://aka.ms/mfasetup');
    expect(p.school.domains).to.deep.equal(['test.sch.uk']);
    expect(p.retention.days).to.equal(120);
  });

  it('names every problem with its path', () => {
    const result = parseSchoolPolicy({
      ...minimal,
      school: { ...minimal.school, timeZone: 'Atlantis/Lost' },
      registration: { enforcementDate: '11/01/2027', url: 'http://insecure.example' },
      surprise: true,
    });
    expect(result.ok).to.equal(false);
    const problems = (result as { problems: string[] }).problems.join('\n');
    expect(problems).to.match(/school\.timeZone: must be an IANA time zone/);
    expect(problems).to.match(/registration\.enforcementDate: must be a date written as YYYY-MM-DD/);
    expect(problems).to.match(/registration\.url: must be an https:\/\/ address/);
    expect(problems).to.match(/Unrecognized key: "surprise"/);
  });

  it('closes texts and calls on their cut-off day, not a day early or late', () => {
    const p = policy();
    expect(availableMethods(p, '2027-01-31')).to.include({
      text: true,
      call: true,
      phone: true,
      phoneEnds: '2027-02-01',
    });
    const after = availableMethods(p, '2027-02-01');
    expect(after).to.include({ text: false, call: false, phone: false, app: true, email: true });
    expect(after.phoneEnds).to.equal(undefined);
  });

  it('gives every kind of record a retention period, and reads an older file that set only retention.days', () => {
    expect(policy().retention).to.deep.equal({
      days: 120,
      conversationReferenceDays: 180,
      statusFollowUpDays: 7,
      supportCodeSecretDays: 120,
      supportCodeCheckDays: 120,
      temporaryAccessPassDays: 120,
      nudgeDaysAfterEnforcement: 60,
      demoMailDays: 7,
    });
    const older = policy({ ...minimal, retention: { days: 400 }, escalation: { retentionDays: 30 } });
    expect(older.retention).to.include({ days: 400, conversationReferenceDays: 180, statusFollowUpDays: 7 });
    expect(older.escalation.retentionDays).to.equal(30);
    const wrong = parseSchoolPolicy({ ...minimal, retention: { statusFollowUpDays: 0 } });
    expect(wrong.ok).to.equal(false);
    expect((wrong as { problems: string[] }).problems.join('\n')).to.match(
      /^retention\.statusFollowUpDays: /,
    );
  });

  it("keeps the desk's Temporary Access Pass off unless the file switches it on, within Microsoft's lifetimes", () => {
    expect(policy().temporaryAccessPass).to.deep.equal({
      enabled: false,
      lifetimeMinutes: 60,
      usableOnce: true,
      verifiedWithinMinutes: 10,
    });
    const on = policy({ ...minimal, temporaryAccessPass: { enabled: true, lifetimeMinutes: 120 } });
    expect(on.temporaryAccessPass).to.include({ enabled: true, lifetimeMinutes: 120, usableOnce: true });
    // The sample switches it on, and says which permission that takes.
    const sample = loadSchoolPolicy(SAMPLE_POLICY_PATH).temporaryAccessPass;
    expect(sample.enabled).to.equal(true);
    expect(sample.description).to.match(/UserAuthenticationMethod\.ReadWrite\.All/);
    for (const lifetimeMinutes of [9, 481]) {
      const wrong = parseSchoolPolicy({ ...minimal, temporaryAccessPass: { lifetimeMinutes } });
      expect((wrong as { problems: string[] }).problems.join('\n')).to.match(
        /^temporaryAccessPass\.lifetimeMinutes: /,
      );
    }
  });

  it("knows what IT gives people with no smartphone, the phone rule and Microsoft's passkey screen by date", () => {
    const bare = policy();
    expect(bare.support.noSmartphone).to.deep.equal({ hardwareToken: false, securityKey: false });
    expect(bare.support.phones).to.deep.equal({ duringSchoolDay: false, atItDesk: true });
    expect(bare.methods.passkeyPrompt).to.deep.equal({ from: '2026-09-01', cannotSkipFrom: '2027-02-01' });
    const prompt = (today: string) => availableMethods(bare, today).passkeyPrompt;
    expect([
      prompt('2026-08-31'),
      prompt('2026-09-01'),
      prompt('2027-01-31'),
      prompt('2027-02-01'),
    ]).to.deep.equal(['notYet', 'skippable', 'skippable', 'cannotSkip']);
    const sample = loadSchoolPolicy(SAMPLE_POLICY_PATH);
    expect(availableMethods(sample, '2026-11-30').fromIt).to.deep.equal({
      hardwareToken: true,
      securityKey: true,
    });
    const bad = parseSchoolPolicy({ ...minimal, support: { ...minimal.support, phones: { atDesk: true } } });
    expect(bad.ok).to.equal(false);
  });

  it('lets a school switch a method off entirely', () => {
    const p = policy({ ...minimal, methods: { second: { securityQuestions: { allowed: false } } } });
    expect(availableMethods(p, '2026-12-01').questions).to.equal(false);
  });
});

describe('local dates', () => {
  it('reads the date in the school time zone, across midnight and clock changes', () => {
    expect(localDateOf(new Date('2026-06-30T23:30:00Z'), 'Europe/London')).to.equal('2026-07-01'); // BST
    expect(localDateOf(new Date('2026-12-31T23:30:00Z'), 'Europe/London')).to.equal('2026-12-31'); // GMT
    expect(localDateOf(new Date('2026-10-25T00:30:00Z'), 'Europe/London')).to.equal('2026-10-25');
  });

  it('counts days and writes dates the British way', () => {
    expect(daysBetween('2026-11-30', '2027-01-11')).to.equal(42);
    expect(daysBetween('2026-03-28', '2026-03-30')).to.equal(2); // across the spring clock change
    expect(formatLongDate('2027-02-01')).to.equal('Monday 1 February 2027');
  });
});
