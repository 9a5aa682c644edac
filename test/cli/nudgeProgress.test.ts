/**
 * The progress line of `npm run nudge` (pure): what IT reads while a pass sends, worked out from looks at the
 * worker's counts and the queue's length.
 */
import { expect } from 'chai';
import {
  ProgressMeter,
  finishedOf,
  formatEstimate,
  progressLine,
  type ProgressLook,
} from '../../src/cli/nudgeProgress';
import type { WorkerStats } from '../../src/nudges/nudgeWorker';

const look = (seconds: number, done: number, sent: number, queued: number): ProgressLook => ({
  atMs: 1_700_000_000_000 + seconds * 1000,
  done,
  sent,
  queued,
});

describe('npm run nudge: the progress line (pure)', () => {
  it('says planned, sent, left, the send rate and the time left at that pace', () => {
    const meter = new ProgressMeter();
    meter.record(look(0, 0, 0, 1200), 'sending');
    const f = meter.record(look(10, 800, 418, 400), 'sending');
    expect(f).to.include({ planned: 1200, sent: 418, left: 400 });
    expect(f.rate).to.be.closeTo(41.8, 1e-9);
    // 800 finished in 10 s: 400 more take 5 s.
    expect(f.etaSeconds).to.be.closeTo(5, 1e-9);
    expect(progressLine(f)).to.equal('planned 1200 · sent 418 · left 400 · 41.8/s · about 5 s left');
  });

  it('measures the pace over the last 10 s, so a pause (429s) shows at once', () => {
    const meter = new ProgressMeter();
    meter.record(look(0, 0, 0, 1000), 'sending');
    meter.record(look(10, 500, 500, 500), 'sending');
    // Nothing finished in the last 10 s.
    const paused = meter.record(look(20, 500, 500, 500), 'sending');
    expect(paused.rate).to.equal(0);
    expect(paused.etaSeconds).to.equal(undefined);
    expect(progressLine(paused)).to.equal(
      'planned 1000 · sent 500 · left 500 · 0.0/s · time left not known yet',
    );
    const resumed = meter.record(look(25, 600, 600, 400), 'sending');
    // Measured from the newest look at least 10 s old: the one at 10 s.
    expect(resumed.rate).to.be.closeTo(100 / 15, 1e-9);
  });

  it('knows no rate or time left before the first send', () => {
    const meter = new ProgressMeter();
    meter.record(look(0, 0, 0, 0), 'planning');
    const f = meter.record(look(3, 0, 0, 250), 'planning');
    expect(f.rate).to.equal(undefined);
    expect(f.etaSeconds).to.equal(undefined);
    expect(progressLine(f)).to.equal('planned 250 so far · sent 0 · left 250 · time left not known yet');
  });

  it('says the estimate is only for what is planned so far while planning goes on', () => {
    const meter = new ProgressMeter();
    meter.record(look(0, 0, 0, 0), 'planning');
    const f = meter.record(look(4, 160, 160, 340), 'planning');
    expect(progressLine(f)).to.equal(
      'planned 500 so far · sent 160 · left 340 · 40.0/s · about 9 s left (still planning)',
    );
  });

  it('says when there is nothing to send', () => {
    const meter = new ProgressMeter();
    meter.record(look(0, 0, 0, 0), 'sending');
    expect(progressLine(meter.record(look(5, 0, 0, 0), 'sending'))).to.equal(
      'planned 0 · sent 0 · left 0 · queue empty',
    );
    expect(progressLine(meter.record(look(6, 0, 0, 0), 'finished'))).to.equal(
      'planned 0 · sent 0 · left 0 · nothing to send, finished in 6 s',
    );
  });

  it('ends with the whole pass: its average rate and how long it took', () => {
    const meter = new ProgressMeter();
    meter.record(look(0, 0, 0, 0), 'planning');
    meter.record(look(10, 400, 400, 800), 'sending');
    meter.record(look(20, 1000, 1000, 200), 'sending');
    const f = meter.record(look(25, 1200, 1150, 0), 'finished');
    expect(f.etaSeconds).to.equal(undefined);
    expect(progressLine(f)).to.equal('planned 1200 · sent 1150 · left 0 · 46.0/s · finished in 25 s');
  });

  it('says what still waits on the queue (snoozed) at the end, and when the pass was stopped', () => {
    const meter = new ProgressMeter();
    meter.record(look(0, 0, 0, 12), 'sending');
    expect(progressLine(meter.record(look(4, 10, 10, 2), 'finished'))).to.equal(
      'planned 12 · sent 10 · left 2 · 2.5/s · finished in 4 s; 2 wait on the queue for later',
    );
    expect(progressLine(new ProgressMeter().record(look(0, 3, 3, 9), 'stopped'))).to.equal(
      'planned 12 · sent 3 · left 9 · stopped after 0 s',
    );
  });

  it('rounds the time left as a person would say it', () => {
    expect(formatEstimate(0.2)).to.equal('about 1 s');
    expect(formatEstimate(9.57)).to.equal('about 10 s');
    expect(formatEstimate(280)).to.equal('about 5 min');
    expect(formatEstimate(3900)).to.equal('about 1 h 5 min');
  });

  it('counts as finished every outcome but the ones that put the message back on the queue', () => {
    const stats: WorkerStats = {
      results: {
        sent: 5,
        unconfirmed: 1,
        blocked: 1,
        notInstallable: 1,
        skippedRegistered: 1,
        expired: 1,
        failed: 1,
        dropped: 1,
        deferred: 7,
        installing: 3,
        cardUpdated: 1,
        cardGone: 1,
      },
      throttled: 2,
      inDoubt: 1,
      interrupted: 0,
    };
    expect(finishedOf(stats)).to.deep.equal({ done: 14, sent: 5 });
  });
});
