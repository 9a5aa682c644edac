import { expect } from 'chai';
import type { CampaignPlanner, PlanAttempt } from '../../src/nudges/campaignPlanner';
import { NudgeScheduler } from '../../src/nudges/nudgeScheduler';
import type { NudgeWorker } from '../../src/nudges/nudgeWorker';
import { captureLog } from '../support/logCapture';

/** A planning attempt the test settles by hand. */
function deferred() {
  let settle!: { resolve: (a: PlanAttempt) => void; reject: (e: Error) => void };
  const promise = new Promise<PlanAttempt>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, ...settle };
}

describe('the nudge scheduler, as the readiness check sees it', () => {
  let now: number;
  let attempts: ReturnType<typeof deferred>[];
  let scheduler: NudgeScheduler;
  /** How each check-ahead call ends: the next one from this list (resolved when it runs out). */
  let aheads: ('checked' | 'fails')[];
  let aheadCalls: number;

  beforeEach(() => {
    now = 5_000_000;
    attempts = [];
    aheads = [];
    aheadCalls = 0;
    const planner = {
      planIfDue: () => {
        const attempt = deferred();
        attempts.push(attempt);
        return attempt.promise;
      },
      checkAhead: () => {
        aheadCalls += 1;
        return aheads.shift() === 'fails'
          ? Promise.reject(new Error('Graph down'))
          : Promise.resolve({ kind: 'checked', looks: 0 });
      },
    } as unknown as CampaignPlanner;
    const worker = { run: () => Promise.resolve(), stop: () => undefined } as unknown as NudgeWorker;
    scheduler = new NudgeScheduler({
      planner,
      worker,
      log: captureLog('fatal').log,
      everyMs: 60_000,
      now: () => now,
    });
  });

  it('while the window is shut it checks email addresses ahead of the pass; a failure there is no planning failure', async () => {
    aheads = ['fails'];
    scheduler.start();
    attempts[0]!.resolve({ kind: 'skipped', reason: 'windowShut' });
    await scheduler.stop();
    expect(aheadCalls).to.equal(1);
    expect(scheduler.planningState().lastError).to.equal(undefined);
    // Not while the window is open (the pass itself looks), nor when another instance plans.
    for (const attempt of [
      { kind: 'skipped', reason: 'doneToday' },
      { kind: 'skipped', reason: 'leaseHeld' },
    ] as PlanAttempt[]) {
      scheduler.start();
      attempts.at(-1)!.resolve(attempt);
      await scheduler.stop();
    }
    expect(aheadCalls).to.equal(1);
  });

  it('records when an attempt runs, when a pass ended, and the last failure', async () => {
    scheduler.start();
    expect(scheduler.planningState()).to.deep.equal({ everyMs: 60_000, startedAt: now, runningSince: now });

    now += 1000;
    attempts[0]!.resolve({ kind: 'skipped', reason: 'windowShut' });
    await scheduler.stop();
    expect(scheduler.planningState()).to.deep.equal({
      everyMs: 60_000,
      startedAt: 5_000_000,
      lastPassAt: 5_001_000,
      runningSince: undefined,
      lastError: undefined,
    });

    // A failed attempt is no pass: the last pass stays where it was, and the failure is named.
    now += 60_000;
    scheduler.start();
    now += 500;
    attempts[1]!.reject(Object.assign(new Error('Graph said no'), { name: 'GraphRequestError' }));
    await scheduler.stop();
    expect(scheduler.planningState()).to.deep.include({
      lastPassAt: 5_001_000,
      lastError: 'GraphRequestError',
      runningSince: undefined,
    });
  });
});
