import { expect } from 'chai';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import { availableMethods } from '../../../src/domain/policy/availability';
import {
  classifyRegistration,
  percentComplete,
  summariseProgress,
  type PersonProgress,
} from '../../../src/domain/progress/schoolProgress';
import type { RegisteredMethod } from '../../../src/domain/registration/methods';
import { SAMPLE_POLICY_PATH } from '../../support/conversationHarness';

const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
const BEFORE_CUTOFF = availableMethods(policy, '2026-12-01');
const AFTER_CUTOFF = availableMethods(policy, '2027-02-02');

const app: RegisteredMethod = { kind: 'authenticatorApp' };
const mobile: RegisteredMethod = { kind: 'mobilePhone' };
const personalEmail: RegisteredMethod = { kind: 'email', onSchoolDomain: false };
const schoolEmail: RegisteredMethod = { kind: 'email', onSchoolDomain: true };

describe('school progress: one person', () => {
  it('the app and a personal email is complete', () => {
    expect(classifyRegistration([app, personalEmail], BEFORE_CUTOFF)).to.deep.equal({
      category: 'complete',
      missing: [],
    });
  });

  it('a mobile and a personal email is phone-only before the cut-off, and missing a first method after it', () => {
    expect(classifyRegistration([mobile, personalEmail], BEFORE_CUTOFF)).to.deep.equal({
      category: 'phoneOnly',
      missing: ['phoneOnly'],
    });
    expect(classifyRegistration([mobile, personalEmail], AFTER_CUTOFF)).to.deep.equal({
      category: 'partly',
      missing: ['noFirstMethod'],
    });
  });

  it('a mobile alone is phone-only, with the second method missing as well', () => {
    expect(classifyRegistration([mobile], BEFORE_CUTOFF)).to.deep.equal({
      category: 'phoneOnly',
      missing: ['secondMethodMissing', 'phoneOnly'],
    });
  });

  it('the app with a school address as the email is partly done, the school address being what is missing', () => {
    expect(classifyRegistration([app, schoolEmail], BEFORE_CUTOFF)).to.deep.equal({
      category: 'partly',
      missing: ['emailOnSchoolDomain', 'secondMethodMissing'],
    });
  });

  it('nothing registered (a password is not a method) is not started; no row at all is unknown', () => {
    expect(classifyRegistration([{ kind: 'password' }], BEFORE_CUTOFF).category).to.equal('notStarted');
    expect(classifyRegistration(undefined, BEFORE_CUTOFF)).to.deep.equal({
      category: 'unknown',
      missing: [],
    });
  });
});

describe('school progress: counts per group', () => {
  const states: Record<string, PersonProgress> = {
    a: { category: 'complete', missing: [] },
    b: { category: 'phoneOnly', missing: ['secondMethodMissing', 'phoneOnly'] },
    c: { category: 'partly', missing: ['secondMethodMissing'] },
    d: { category: 'notStarted', missing: ['nothingRegistered'] },
    e: { category: 'unknown', missing: [] },
  };
  const stateOf = (id: string) => states[id]!;

  it('counts each group, and the whole school counts each target member once', () => {
    const [school, pupils, staff, year7] = summariseProgress(
      [
        { id: 'p', name: 'All pupils', kind: 'target', memberIds: ['a', 'b', 'c', 'd'] },
        { id: 's', name: 'All staff', kind: 'target', memberIds: ['c', 'e'] },
        { id: 'y7', name: 'Year 7', kind: 'report', memberIds: ['a', 'b', 'b'] },
      ],
      stateOf,
    );
    expect(school).to.deep.include({ id: 'school', kind: 'school' });
    expect(school!.counts).to.deep.equal({
      complete: 1,
      phoneOnly: 1,
      partly: 1,
      notStarted: 1,
      unknown: 1,
      total: 5,
    });
    expect(school!.missing).to.deep.equal({ secondMethodMissing: 2, phoneOnly: 1, nothingRegistered: 1 });
    expect(pupils!.counts.total).to.equal(4);
    expect(staff!.counts).to.deep.include({ partly: 1, unknown: 1, total: 2 });
    expect(year7).to.deep.include({ name: 'Year 7', kind: 'report' });
    expect(year7!.counts).to.deep.include({ complete: 1, phoneOnly: 1, total: 2 });
  });

  it('with no target groups the whole school is everyone in any group', () => {
    const [school] = summariseProgress(
      [{ id: 'y7', name: 'Year 7', kind: 'report', memberIds: ['a', 'd'] }],
      stateOf,
    );
    expect(school!.counts.total).to.equal(2);
  });

  it('percent complete rounds down and is 0 for an empty group', () => {
    const counts = { complete: 199, phoneOnly: 1, partly: 0, notStarted: 0, unknown: 0, total: 200 };
    expect(percentComplete(counts)).to.equal(99);
    expect(percentComplete({ ...counts, complete: 0, phoneOnly: 0, total: 0 })).to.equal(0);
  });
});
