import { expect } from 'chai';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import { availableMethods } from '../../../src/domain/policy/availability';
import {
  completeOnlyIfEmailIsPersonal,
  decodeEmailCheck,
  emailCheckFrom,
  encodeEmailCheck,
  withEmailCheck,
  type EmailCheck,
} from '../../../src/domain/registration/emailCheck';
import { evaluateRegistration } from '../../../src/domain/registration/evaluateRegistration';
import type { MethodKind, RegisteredMethod } from '../../../src/domain/registration/methods';
import type { RegistrationSnapshot } from '../../../src/domain/registration/snapshot';
import { SAMPLE_POLICY_PATH } from '../../support/conversationHarness';

const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
const NOW = availableMethods(policy, '2026-11-30');
const m = (kind: Exclude<MethodKind, 'email'>): RegisteredMethod => ({ kind });
const reportEmail: RegisteredMethod = { kind: 'email' };

const row = (methods: RegisteredMethod[], asOf = '2026-11-29T10:00:00Z'): RegistrationSnapshot => ({
  userId: 'u1',
  methods,
  source: 'report',
  asOf,
});

describe('the school-email check (what the report cannot show)', () => {
  it('only a row that is complete thanks to an email whose address it cannot see needs a look', () => {
    expect(completeOnlyIfEmailIsPersonal([m('authenticatorApp'), reportEmail], NOW)).to.equal(true);
    // However many others: the school's rule is that a school address must not be there at all (it is offered
    // at a reset, and the code goes where a locked-out pupil cannot read it).
    expect(
      completeOnlyIfEmailIsPersonal([m('authenticatorApp'), m('mobilePhone'), reportEmail], NOW),
    ).to.equal(true);
    // Not complete anyway: the campaign nudges them without a look.
    expect(completeOnlyIfEmailIsPersonal([reportEmail], NOW)).to.equal(false);
    // A live look shows the address: nothing to check.
    expect(
      completeOnlyIfEmailIsPersonal([m('authenticatorApp'), { kind: 'email', onSchoolDomain: false }], NOW),
    ).to.equal(false);
  });

  it('a check fills in the address while the report row is the one it was taken against, and not after', () => {
    const check: EmailCheck = { reportAsOf: '2026-11-29T10:00:00Z', schoolAddress: true, checkedAt: 'x' };
    const held = withEmailCheck(row([m('authenticatorApp'), reportEmail]), check);
    const evaluation = evaluateRegistration(held.methods, NOW);
    expect(evaluation.complete).to.equal(false);
    expect(evaluation.reasons.map((r) => r.code)).to.include('emailOnSchoolDomain');
    // The pupil changed their methods: the row is newer, the check no longer says anything.
    const changed = row([m('authenticatorApp'), reportEmail], '2026-11-30T08:00:00Z');
    expect(withEmailCheck(changed, check)).to.deep.equal(changed);
  });

  it('what a live look found: school or personal; no email in the look gives no check', () => {
    expect(
      emailCheckFrom([m('authenticatorApp'), { kind: 'email', onSchoolDomain: true }], 'T', 'C'),
    ).to.deep.equal({ reportAsOf: 'T', schoolAddress: true, checkedAt: 'C' });
    expect(emailCheckFrom([{ kind: 'email', onSchoolDomain: false }], 'T', 'C')).to.include({
      schoolAddress: false,
    });
    expect(emailCheckFrom([m('authenticatorApp')], 'T', 'C')).to.equal(undefined);
  });

  it('a stored check reads back; anything else stored counts as no check', () => {
    const check: EmailCheck = { reportAsOf: 'T', schoolAddress: false, checkedAt: 'C' };
    expect(decodeEmailCheck(encodeEmailCheck(check))).to.deep.equal(check);
    for (const bad of [
      undefined,
      '',
      'not json',
      '{"reportAsOf":1,"schoolAddress":true}',
      '{"reportAsOf":"T"}',
    ])
      expect(decodeEmailCheck(bad), String(bad)).to.equal(undefined);
  });
});
