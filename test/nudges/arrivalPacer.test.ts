import { expect } from 'chai';
import sinon from 'sinon';
import { ArrivalPacer, type Answered } from '../../src/nudges/arrivalPacer';

describe('Arrival pacer: no more than the limit can ARRIVE in any window (fake clock)', () => {
  let sandbox: sinon.SinonSandbox;
  let clock: sinon.SinonFakeTimers;
  let pacer: ArrivalPacer;
  /** When each request was let go, in fake milliseconds. */
  let starts: number[];

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    clock = sandbox.useFakeTimers({ now: 0 });
    pacer = new ArrivalPacer({ limit: 3, windowMs: 1000, marginMs: 5, now: () => Date.now() });
    starts = [];
  });
  afterEach(() => sandbox.restore());

  const start = (): Promise<Answered> =>
    pacer.acquire().then((answered) => {
      starts.push(Date.now());
      return answered;
    });

  it('lets the first `limit` go at once; the next waits for the answer of the one `limit` before it, plus the window', async () => {
    const first = await Promise.all([start(), start(), start()]);
    const fourth = start();
    await clock.tickAsync(2000);
    // The first request is still unanswered: however long, the fourth may not go (it could arrive with it).
    expect(starts).to.deep.equal([0, 0, 0]);
    first[0](); // answered at 2,000 ms
    await clock.tickAsync(1004);
    expect(starts).to.have.length(3);
    await clock.tickAsync(1);
    await fourth;
    expect(starts).to.deep.equal([0, 0, 0, 3005]);
  });

  it('answers that come quickly give nearly the full rate: 30 requests of 10 ms take about 10 windows', async () => {
    const run = async () => {
      const answered = await start();
      setTimeout(answered, 10);
    };
    const all = Promise.all(Array.from({ length: 30 }, run));
    await clock.tickAsync(12_000);
    await all;
    expect(starts).to.have.length(30);
    // Requests i and i+3 start at least the window plus the margin apart, and not much more (one 10 ms answer).
    for (let i = 3; i < starts.length; i++) expect(starts[i]! - starts[i - 3]!).to.be.within(1015, 1020);
  });

  it('a pause (a 429 from Teams) holds every start until it has passed', async () => {
    pacer.pause(1500);
    const first = start();
    await clock.tickAsync(1499);
    expect(starts).to.deep.equal([]);
    await clock.tickAsync(1);
    await first;
    expect(starts).to.deep.equal([1500]);
  });

  it('a request that never answers stops the pacer only for the cap, not for good', async () => {
    pacer = new ArrivalPacer({ limit: 1, windowMs: 1000, answerCapMs: 5000, now: () => Date.now() });
    await start(); // never answered
    const next = start();
    await clock.tickAsync(5999);
    expect(starts).to.deep.equal([0]);
    await clock.tickAsync(1);
    await next;
    expect(starts).to.deep.equal([0, 6000]);
  });

  it('closing rejects every waiting start and leaves no timer behind', async () => {
    pacer = new ArrivalPacer({ limit: 1, windowMs: 1000, now: () => Date.now() });
    await start(); // never answered: the next waits up to the 30 s cap
    const next = pacer.acquire();
    expect(clock.countTimers()).to.equal(1);
    pacer.close();
    let refused: unknown;
    await next.catch((error: unknown) => (refused = error));
    expect((refused as Error).message).to.match(/closed/);
    expect(clock.countTimers()).to.equal(0);
  });

  it('an answer that wakes a waiter clears its timer (no timer piles up while waiting)', async () => {
    const first = await Promise.all([start(), start(), start()]);
    const waiting = [start(), start()];
    expect(clock.countTimers()).to.equal(2);
    first[0]();
    await clock.tickAsync(0);
    // Woken by the answer: both went back to sleep on fresh timers until the window has passed, one each.
    expect(clock.countTimers()).to.equal(2);
    first[1]();
    first[2]();
    await clock.tickAsync(1010);
    await Promise.all(waiting);
    expect(clock.countTimers()).to.equal(0);
  });
});
