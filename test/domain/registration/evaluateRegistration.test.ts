import { expect } from 'chai';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import { evaluateRegistration, type ReasonCode } from '../../../src/domain/registration/evaluateRegistration';
import {
  emailDomainOf,
  isSchoolDomain,
  kindOfReportMethod,
  type MethodKind,
  type RegisteredMethod,
} from '../../../src/domain/registration/methods';
import { combineSnapshots } from '../../../src/domain/registration/snapshot';
import { availableMethods } from '../../../src/domain/policy/availability';
import { SAMPLE_POLICY_PATH } from '../../support/conversationHarness';

const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
/** Before the SMS/voice cut-off, after it, and after security questions stop counting for reset. */
const BEFORE = availableMethods(policy, '2026-11-30');
const AFTER_PHONES = availableMethods(policy, '2027-02-02');
const AFTER_QUESTIONS = availableMethods(policy, '2027-03-02');

const m = (kind: Exclude<MethodKind, 'email'>): RegisteredMethod => ({ kind });
const personalEmail: RegisteredMethod = { kind: 'email', onSchoolDomain: false };
const schoolEmail: RegisteredMethod = { kind: 'email', onSchoolDomain: true };
const reportEmail: RegisteredMethod = { kind: 'email' };

interface Case {
  what: string;
  methods: RegisteredMethod[];
  when?: ReturnType<typeof availableMethods>;
  complete: boolean;
  mfa: boolean;
  sspr: boolean;
  reasons: ReasonCode[];
}

const cases: Case[] = [
  { what: 'nothing', methods: [], complete: false, mfa: false, sspr: false, reasons: ['nothingRegistered'] },
  {
    what: 'a password only',
    methods: [m('password')],
    complete: false,
    mfa: false,
    sspr: false,
    reasons: ['nothingRegistered'],
  },
  {
    what: 'a temporary access pass only',
    methods: [m('temporaryAccessPass'), m('password')],
    complete: false,
    mfa: false,
    sspr: false,
    reasons: ['nothingRegistered'],
  },
  {
    what: 'the app only',
    methods: [m('authenticatorApp')],
    complete: false,
    mfa: true,
    sspr: false,
    reasons: ['secondMethodMissing'],
  },
  {
    what: 'app + personal email',
    methods: [m('authenticatorApp'), personalEmail, m('password')],
    complete: true,
    mfa: true,
    sspr: true,
    reasons: [],
  },
  {
    what: 'app + email seen only in the report',
    methods: [m('authenticatorApp'), reportEmail],
    complete: true,
    mfa: true,
    sspr: true,
    reasons: ['emailUnchecked'],
  },
  {
    what: 'app + school email',
    methods: [m('authenticatorApp'), schoolEmail],
    complete: false,
    mfa: true,
    sspr: false,
    reasons: ['emailOnSchoolDomain', 'secondMethodMissing'],
  },
  {
    what: 'app + mobile phone',
    methods: [m('authenticatorApp'), m('mobilePhone')],
    complete: true,
    mfa: true,
    sspr: true,
    reasons: [],
  },
  {
    what: 'mobile phone only',
    methods: [m('mobilePhone')],
    complete: false,
    mfa: true,
    sspr: false,
    reasons: ['secondMethodMissing', 'phoneOnly'],
  },
  {
    what: 'mobile + office phone (two phones)',
    methods: [m('mobilePhone'), m('officePhone')],
    complete: false,
    mfa: true,
    sspr: true,
    reasons: ['phoneOnly'],
  },
  {
    what: 'alternate mobile + personal email',
    methods: [m('alternateMobilePhone'), personalEmail],
    complete: false,
    mfa: true,
    sspr: true,
    reasons: ['phoneOnly'],
  },
  {
    what: 'phone + personal email after the cut-off',
    methods: [m('mobilePhone'), personalEmail],
    when: AFTER_PHONES,
    complete: false,
    mfa: false,
    sspr: false,
    reasons: ['noFirstMethod'],
  },
  {
    what: 'app + phone after the cut-off',
    methods: [m('authenticatorApp'), m('mobilePhone')],
    when: AFTER_PHONES,
    complete: false,
    mfa: true,
    sspr: false,
    reasons: ['secondMethodMissing'],
  },
  {
    what: 'app + security questions (discouraged)',
    methods: [m('authenticatorApp'), m('securityQuestions')],
    complete: false,
    mfa: true,
    sspr: true,
    reasons: ['questionsOnlySecond'],
  },
  {
    what: 'app + questions + email',
    methods: [m('authenticatorApp'), m('securityQuestions'), personalEmail],
    complete: true,
    mfa: true,
    sspr: true,
    reasons: [],
  },
  {
    what: 'app + questions after questions stop',
    methods: [m('authenticatorApp'), m('securityQuestions')],
    when: AFTER_QUESTIONS,
    complete: false,
    mfa: true,
    sspr: false,
    reasons: ['secondMethodMissing'],
  },
  {
    what: 'email only',
    methods: [personalEmail],
    complete: false,
    mfa: false,
    sspr: false,
    reasons: ['noFirstMethod'],
  },
  {
    what: 'email + questions (no sign-in method)',
    methods: [personalEmail, m('securityQuestions')],
    complete: false,
    mfa: false,
    sspr: true,
    reasons: ['noFirstMethod'],
  },
  {
    what: 'app + passkey in Authenticator (passkey cannot reset)',
    methods: [m('authenticatorApp'), m('authenticatorPasskey')],
    complete: false,
    mfa: true,
    sspr: false,
    reasons: ['secondMethodMissing'],
  },
  {
    what: 'app + passkey + email',
    methods: [m('authenticatorApp'), m('authenticatorPasskey'), personalEmail],
    complete: true,
    mfa: true,
    sspr: true,
    reasons: [],
  },
  {
    what: 'security key (fido2) + email',
    methods: [m('passkey'), personalEmail],
    complete: false,
    mfa: true,
    sspr: false,
    reasons: ['secondMethodMissing'],
  },
  {
    what: 'hardware token from IT + email',
    methods: [m('hardwareOath'), personalEmail],
    complete: true,
    mfa: true,
    sspr: true,
    reasons: [],
  },
  {
    what: 'other authenticator app (software OATH) + email',
    methods: [m('softwareOath'), personalEmail],
    complete: true,
    mfa: true,
    sspr: true,
    reasons: [],
  },
  {
    what: 'Windows Hello only',
    methods: [m('windowsHello')],
    complete: false,
    mfa: true,
    sspr: false,
    reasons: ['secondMethodMissing'],
  },
  {
    what: 'Windows Hello + app + email',
    methods: [m('windowsHello'), m('authenticatorApp'), personalEmail],
    complete: true,
    mfa: true,
    sspr: true,
    reasons: [],
  },
  {
    what: 'platform credential + phone + email',
    methods: [m('platformCredential'), m('mobilePhone'), personalEmail],
    complete: true,
    mfa: true,
    sspr: true,
    reasons: [],
  },
  {
    what: 'an unknown future method only',
    methods: [m('other')],
    complete: false,
    mfa: false,
    sspr: false,
    reasons: ['noFirstMethod'],
  },
];

describe('Policy evaluation of registered methods', () => {
  for (const c of cases) {
    it(`${c.what} → ${c.complete ? 'complete' : c.reasons.join(', ')}`, () => {
      const result = evaluateRegistration(c.methods, c.when ?? BEFORE);
      expect(result.reasons.map((r) => r.code)).to.deep.equal(c.reasons);
      expect({ complete: result.complete, mfa: result.mfaReady, sspr: result.ssprReady }).to.deep.equal({
        complete: c.complete,
        mfa: c.mfa,
        sspr: c.sspr,
      });
    });
  }

  it('gives phone-only users the cut-off date and sends them to the app steps', () => {
    const result = evaluateRegistration([m('mobilePhone')], BEFORE);
    expect(result.reasons.find((r) => r.code === 'phoneOnly')).to.deep.equal({
      code: 'phoneOnly',
      blocking: true,
      fixStep: 'first.app.get',
      until: '2027-02-01',
    });
  });

  it('sends each reason to the guide step that fixes it', () => {
    const steps = (methods: RegisteredMethod[]) =>
      evaluateRegistration(methods, BEFORE).reasons.map((r) => r.fixStep);
    expect(steps([])).to.deep.equal(['chooseFirst']);
    expect(steps([m('authenticatorApp')])).to.deep.equal(['chooseSecond']);
    expect(steps([m('authenticatorApp'), schoolEmail, m('mobilePhone')])).to.deep.equal(['second.email']);
    expect(steps([m('authenticatorApp'), m('securityQuestions')])).to.deep.equal(['second.email']);
  });

  it('remembers which first method the user has, so the guide does not offer it again', () => {
    expect(evaluateRegistration([m('authenticatorApp')], BEFORE).first).to.equal('app');
    expect(evaluateRegistration([m('officePhone')], BEFORE).first).to.equal('phone');
    expect(evaluateRegistration([personalEmail], BEFORE).first).to.equal(undefined);
  });

  it('describes each family for the card: counts, not counted (and why), missing', () => {
    const result = evaluateRegistration(
      [m('mobilePhone'), schoolEmail, m('authenticatorPasskey'), m('securityQuestions')],
      BEFORE,
    );
    expect(result.families).to.deep.equal([
      { family: 'app', state: 'missing' },
      { family: 'phone', state: 'counts', note: 'endsOn', until: '2027-02-01' },
      { family: 'email', state: 'notCounted', note: 'schoolAddress' },
      { family: 'questions', state: 'counts', note: 'endsOn', until: '2027-03-01' },
      { family: 'passkey', state: 'counts', note: 'signInOnly' },
    ]);
    const after = evaluateRegistration([m('mobilePhone')], AFTER_PHONES);
    expect(after.families[1]).to.deep.equal({ family: 'phone', state: 'notCounted', note: 'stopped' });
  });

  it('a policy that does not accept the app leaves an app-only user without a first method', () => {
    const noApp = { ...BEFORE, app: false };
    const result = evaluateRegistration([m('authenticatorApp'), personalEmail], noApp);
    expect(result.reasons.map((r) => r.code)).to.deep.equal(['noFirstMethod']);
    expect(result.families[0]).to.deep.equal({ family: 'app', state: 'notCounted', note: 'notAccepted' });
  });
});

describe('Registration methods', () => {
  it('maps every report method name Graph documents, and unknown ones to "other"', () => {
    const table: [string, MethodKind][] = [
      ['microsoftAuthenticatorPush', 'authenticatorApp'],
      ['microsoftAuthenticatorPasswordless', 'authenticatorApp'],
      ['passKeyDeviceBoundAuthenticator', 'authenticatorPasskey'],
      ['passKeyDeviceBound', 'passkey'],
      ['fido2', 'passkey'],
      ['windowsHelloForBusiness', 'windowsHello'],
      ['softwareOneTimePasscode', 'softwareOath'],
      ['hardwareOneTimePasscode', 'hardwareOath'],
      ['mobilePhone', 'mobilePhone'],
      ['alternateMobilePhone', 'alternateMobilePhone'],
      ['officePhone', 'officePhone'],
      ['email', 'email'],
      ['securityQuestion', 'securityQuestions'],
      ['temporaryAccessPass', 'temporaryAccessPass'],
      ['somethingNew', 'other'],
    ];
    for (const [name, kind] of table) expect(kindOfReportMethod(name), name).to.equal(kind);
  });

  it('treats sub-domains of a school domain as school addresses', () => {
    const school = ['kscs.org.uk', 'kenstimpson.org.uk'];
    expect(isSchoolDomain('KSCS.org.uk', school)).to.equal(true);
    expect(isSchoolDomain('pupils.kscs.org.uk', school)).to.equal(true);
    expect(isSchoolDomain('notkscs.org.uk', school)).to.equal(false);
    expect(isSchoolDomain('gmail.com', school)).to.equal(false);
    expect(emailDomainOf('Someone@Example.COM')).to.equal('example.com');
    expect(emailDomainOf('not-an-address')).to.equal(undefined);
  });
});

describe('Choosing between the report and a live look', () => {
  const report = {
    userId: 'u',
    methods: [m('authenticatorApp'), m('securityQuestions')],
    source: 'report' as const,
    asOf: '2026-11-30T08:00:00Z',
  };
  const live = {
    userId: 'u',
    methods: [m('authenticatorApp'), personalEmail],
    source: 'live' as const,
    asOf: '2026-11-30T09:00:00Z',
  };

  it('a newer live look wins and keeps the security questions only the report can see', () => {
    expect(combineSnapshots(report, live)?.methods).to.deep.equal([
      m('authenticatorApp'),
      personalEmail,
      m('securityQuestions'),
    ]);
  });

  it('a report updated after the live look wins', () => {
    expect(combineSnapshots({ ...report, asOf: '2026-11-30T10:00:00Z' }, live)?.source).to.equal('report');
    expect(combineSnapshots(undefined, live)).to.equal(live);
    expect(combineSnapshots(report, undefined)).to.equal(report);
  });
});
