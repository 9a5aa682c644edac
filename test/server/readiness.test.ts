import { expect } from 'chai';
import { expectRejection } from '../support/expectRejection';
import type { PlanningState } from '../../src/nudges/nudgeScheduler';
import { LONGEST_PASS_MS, planningCheck, Readiness } from '../../src/server/readiness';

describe('readiness checks', () => {
  it('runs the checks once for a burst of probes, and again once the answer is older than two seconds', async () => {
    let now = 1_000_000;
    let runs = 0;
    // The default cache time (the app's: a test of the running app may ask for a shorter one).
    const readiness = new Readiness([{ name: 'storage', run: () => Promise.resolve(String(++runs)) }], {
      now: () => now,
    });
    const burst = await Promise.all(Array.from({ length: 20 }, () => readiness.answer()));
    expect(runs).to.equal(1);
    expect(burst.every((a) => a.ready && a.checks.storage?.detail === '1')).to.equal(true);
    now += 1999;
    expect((await readiness.answer()).checks.storage?.detail).to.equal('1');
    now += 1;
    expect((await readiness.answer()).checks.storage?.detail).to.equal('2');
    expect(runs).to.equal(2);
  });

  it('answers within its time box when a check hangs, naming the check that did not answer', async () => {
    const readiness = new Readiness(
      [
        { name: 'storage', run: () => Promise.resolve('sqlite') },
        { name: 'graphToken', run: () => new Promise<void>(() => undefined) },
      ],
      { timeoutMs: 100 },
    );
    const started = Date.now();
    const answer = await readiness.answer();
    // The hung check never answers: any bound proves the time box; this one leaves room for a loaded machine.
    expect(Date.now() - started).to.be.below(5000);
    expect(answer).to.deep.equal({
      ready: false,
      checks: {
        storage: { ok: true, detail: 'sqlite' },
        graphToken: { ok: false, detail: 'no answer within 100 ms' },
      },
    });
  });

  it('says what failed, on one line and short', async () => {
    const readiness = new Readiness([
      { name: 'storage', run: () => Promise.reject(new Error(`connect\nECONNREFUSED ${'x'.repeat(400)}`)) },
    ]);
    const detail = (await readiness.answer()).checks.storage!.detail!;
    expect(detail).to.match(/^connect ECONNREFUSED x+\.\.\.$/);
    expect(detail.length).to.equal(200);
  });

  describe('the planning check', () => {
    const MIN = 60_000;
    const T = 10_000_000;
    const check = (state: Partial<PlanningState>, now: number) =>
      planningCheck(
        () => ({ everyMs: MIN, startedAt: T, ...state }),
        () => now,
      ).run();

    it('is fine before the first pass while the scheduler is young', async () => {
      expect(await check({}, T + 2 * MIN)).to.equal('first pass pending');
    });

    it('is fine within three planning intervals of the last pass, and fails after', async () => {
      expect(await check({ lastPassAt: T + MIN }, T + 4 * MIN)).to.equal('last pass 180 s ago');
      await expectRejection(
        check({ lastPassAt: T + MIN, lastError: 'GraphRequestError' }, T + 4 * MIN + 1),
        'no planning pass for 180 s (every 60 s expected); the last attempt failed (GraphRequestError)',
      );
    });

    it('fails when no pass ever ended (planning hangs or always fails from the start)', async () => {
      await expectRejection(check({}, T + 3 * MIN + 1), /^no planning pass for 180 s/);
    });

    it('counts a pass that is running as alive, until it has run implausibly long', async () => {
      expect(await check({ lastPassAt: T, runningSince: T + MIN }, T + 20 * MIN)).to.equal(
        'a pass is running (1140 s)',
      );
      await expectRejection(
        check({ lastPassAt: T, runningSince: T + MIN }, T + MIN + LONGEST_PASS_MS),
        /^no planning pass for 1860 s/,
      );
    });
  });
});
