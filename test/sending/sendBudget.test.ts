import { expect } from 'chai';
import sinon from 'sinon';
import type { SendKind } from '../../src/domain/sending/sendTickets';
import { createLogger } from '../../src/logging/logger';
import type { SendWindow } from '../../src/ports/sendWindow';
import { MemorySendWindow } from '../../src/sending/memorySendWindow';
import { SendBudget, type Answered } from '../../src/sending/sendBudget';
import { captureLog } from '../support/logCapture';

const log = createLogger('silent');

describe('Send budget: no more than the limit can ARRIVE at Teams in any window, pupils first (fake clock)', () => {
  let sandbox: sinon.SinonSandbox;
  let clock: sinon.SinonFakeTimers;
  let budget: SendBudget;
  /** When each request was let go, in fake milliseconds, and its kind. */
  let starts: { at: number; kind: SendKind }[];

  function budgetOf(limit: number, rule: { answerCapMs?: number; campaignMost?: number } = {}): SendBudget {
    return new SendBudget(new MemorySendWindow(limit), {
      log,
      holder: 'test',
      rule: { windowMs: 1005, ...rule },
      now: () => Date.now(),
    });
  }

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    clock = sandbox.useFakeTimers({ now: 10_000 });
    budget = budgetOf(3);
    starts = [];
  });
  afterEach(() => {
    budget.close();
    sandbox.restore();
  });

  const start = (kind: SendKind = 'reply'): Promise<Answered> =>
    budget.acquire(kind).then((answered) => {
      starts.push({ at: Date.now() - 10_000, kind });
      return answered;
    });
  const times = () => starts.map((s) => s.at);

  it('lets the first `limit` go at once; the next waits for the answer of one of them, plus the window', async () => {
    const first = await Promise.all([start(), start(), start()]);
    const fourth = start();
    await clock.tickAsync(2000);
    // Nothing is answered yet: however long, the fourth may not go (it could arrive with them).
    expect(times()).to.deep.equal([0, 0, 0]);
    first[0](); // answered at 2,000 ms
    await clock.tickAsync(1004);
    expect(times()).to.have.length(3);
    await clock.tickAsync(1);
    await fourth;
    expect(times()).to.deep.equal([0, 0, 0, 3005]);
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
    const at = times();
    for (let i = 3; i < at.length; i++) expect(at[i]! - at[i - 3]!).to.be.within(1015, 1020);
  });

  it('a pause (a 429 from Teams) holds every start until it has passed', async () => {
    budget.pause(1500);
    const first = start();
    await clock.tickAsync(1499);
    expect(times()).to.deep.equal([]);
    await clock.tickAsync(1);
    await first;
    expect(times()).to.deep.equal([1500]);
  });

  it('a request that never answers holds its ticket only for the cap, not for good', async () => {
    budget.close();
    budget = budgetOf(1, { answerCapMs: 5000 });
    await start(); // never answered
    const next = start();
    await clock.tickAsync(4999);
    expect(times()).to.deep.equal([0]);
    await clock.tickAsync(1);
    await next;
    expect(times()).to.deep.equal([0, 5000]);
  });

  it('closing rejects every waiting start and leaves no timer behind', async () => {
    await Promise.all([start(), start(), start()]); // never answered: the next waits up to the 30 s cap
    const next = budget.acquire('reply');
    await clock.tickAsync(0);
    expect(clock.countTimers()).to.equal(1);
    budget.close();
    let refused: unknown;
    await next.catch((error: unknown) => (refused = error));
    expect((refused as Error).message).to.match(/closed/);
    await clock.tickAsync(0);
    expect(clock.countTimers()).to.equal(0);
  });

  it('the campaign leaves one ticket free when nobody talks, and a reply takes it at once', async () => {
    const campaign = [start('campaign'), start('campaign'), start('campaign')];
    await clock.tickAsync(0);
    expect(starts.map((s) => s.kind)).to.deep.equal(['campaign', 'campaign']);
    await start('reply');
    expect(starts.map((s) => `${s.kind}@${s.at}`)).to.deep.equal(['campaign@0', 'campaign@0', 'reply@0']);
    void campaign;
  });

  it("counts a request's hold by the rule apart from its wait: a reply taking a free ticket is held 0 ms while the campaign waits", async () => {
    // Limit 3: two campaign sends take tickets, the third waits (one is kept free for pupils).
    const campaign = await Promise.all([start('campaign'), start('campaign')]);
    const third = start('campaign');
    await clock.tickAsync(500);
    const answerReply = await start('reply');
    // The reply and the first campaign send are answered at 1,000 ms: their tickets are free 1,005 ms later.
    await clock.tickAsync(500);
    answerReply();
    campaign[0]();
    // Free at 2,005 ms, the third goes once the reply's pressure has faded below a quarter (after 2,500 ms).
    await clock.tickAsync(2000);
    await third;
    const went = starts[3]!;
    expect(went.kind).to.equal('campaign');
    expect(went.at).to.be.above(2500).and.below(2520);
    const { reply, campaign: campaignWaits } = budget.stats.waits;
    expect([reply.held.count, reply.held.max, reply.waited.max]).to.deep.equal([1, 0, 0]);
    expect([campaignWaits.held.count, campaignWaits.held.max, campaignWaits.waited.max]).to.deep.equal([
      3,
      went.at,
      went.at,
    ]);
  });

  it('logs once, when it closes, how many of each kind it sent, how long they waited and were held, and the 429s', async () => {
    const captured = captureLog('info');
    budget.close();
    budget = new SendBudget(new MemorySendWindow(3), {
      log: captured.log,
      holder: 'worker-1',
      rule: { windowMs: 1005 },
      now: () => Date.now(),
    });
    const first = await Promise.all([start('campaign'), start('campaign')]);
    const third = start('campaign');
    const reply = await start('reply');
    budget.throttled('campaign', 1000);
    reply();
    first[0]();
    await clock.tickAsync(3000);
    await third;
    const at = starts[3]!.at;
    budget.close();
    budget.close();
    const lines = captured.find(/what this process sent and waited/);
    expect(lines).to.have.length(1);
    expect(lines[0]!.holder).to.equal('worker-1');
    expect(lines[0]!.sends).to.deep.equal({
      reply: {
        sent: 1,
        waitedP50Ms: 0,
        waitedP99Ms: 0,
        waitedMaxMs: 0,
        heldP99Ms: 0,
        heldMaxMs: 0,
        throttled: 0,
      },
      campaign: {
        sent: 3,
        waitedP50Ms: 0,
        waitedP99Ms: at,
        waitedMaxMs: at,
        heldP99Ms: at,
        heldMaxMs: at,
        throttled: 1,
      },
    });
  });

  it('a waiting reply goes before a campaign send that asked earlier', async () => {
    const held = await Promise.all([start('reply'), start('reply'), start('reply')]);
    const campaign = start('campaign');
    const reply = start('reply');
    held.forEach((answered) => answered());
    await clock.tickAsync(1005);
    await reply;
    expect(starts.slice(3).map((s) => s.kind)).to.deep.equal(['reply']);
    void campaign;
  });

  it('while pupils talk the campaign leaves room for them, and takes the budget back within seconds of the last reply', async () => {
    budget.close();
    budget = budgetOf(20);
    const answerSoon = (answered: Answered) => setTimeout(answered, 5);
    // Six replies in one moment: the pressure is six a second, so the campaign leaves 1 + 9 = 10 tickets free.
    for (let i = 0; i < 6; i++) answerSoon(await start('reply'));
    for (let i = 0; i < 120; i++) void start('campaign').then(answerSoon);
    await clock.tickAsync(6100);
    // Campaign starts in each window of 1,010 ms (a ticket frees 1,005 ms after its 5 ms answer).
    const perWindow = [0, 1, 2, 3, 4, 5].map(
      (w) => starts.filter((s) => s.kind === 'campaign' && s.at >= w * 1010 && s.at < (w + 1) * 1010).length,
    );
    // 20 - 6 - 10; then the reserve follows the fading pressure (6 halved each second: 1 + ceil(1.5 × p)) down
    // to the one ticket kept when nobody talks.
    expect(perWindow).to.deep.equal([4, 14, 16, 17, 18, 19]);
  });

  it('the campaign holds no more tickets than NUDGE_SENDS_PER_SECOND allows, whatever is free', async () => {
    budget.close();
    budget = budgetOf(10, { campaignMost: 4 });
    for (let i = 0; i < 8; i++) void start('campaign');
    await clock.tickAsync(0);
    expect(starts).to.have.length(4);
    await start('reply');
    expect(starts).to.have.length(5);
  });

  it('a lane closes alone: its waits are withdrawn, the budget and others go on', async () => {
    const lane = budget.lane('campaign');
    await Promise.all([start('reply'), start('reply')]);
    const withdrawn = lane.acquire();
    await clock.tickAsync(0);
    lane.close();
    let refused: unknown;
    await withdrawn.catch((error: unknown) => (refused = error));
    expect((refused as Error).message).to.match(/stopping/);
    await start('reply');
    expect(starts).to.have.length(3);
    await lane.acquire().catch((error: unknown) => (refused = error));
    expect((refused as Error).message).to.match(/stopping/);
  });

  it("a reply that arrives while the table answers the campaign's look goes at once, not after the campaign's wait", async () => {
    budget.close();
    // A shared table that takes 20 ms to answer (Azure Storage's round trip).
    const table = new MemorySendWindow(3);
    const slow: SendWindow = {
      limit: 3,
      take: (kind, holder, now, rule) =>
        new Promise((resolve) => setTimeout(() => resolve(table.take(kind, holder, now, rule)), 20)),
      answer: (ticket, now) => table.answer(ticket, now),
      pauseUntil: (until) => table.pauseUntil(until),
      close: () => table.close(),
    };
    budget = new SendBudget(slow, { log, holder: 'test', rule: { windowMs: 1005 }, now: () => Date.now() });
    // Two campaign sends, answered at once: the third must wait for their tickets, a second away.
    const first = start('campaign');
    await clock.tickAsync(20);
    (await first)();
    const second = start('campaign');
    await clock.tickAsync(20);
    (await second)();
    void start('campaign');
    // The third's look is under way when the pupil writes.
    await clock.tickAsync(10);
    const reply = start('reply');
    await clock.tickAsync(60);
    await reply;
    expect(starts.map((s) => `${s.kind}@${s.at}`)).to.deep.equal(['campaign@20', 'campaign@40', 'reply@80']);
  });

  it("while the shared table cannot be read, sends still go on this process's own tickets, and the table is used again once it answers", async () => {
    budget.close();
    const table = new MemorySendWindow(3);
    let down = true;
    const takes: string[] = [];
    const failing: SendWindow = {
      limit: 3,
      take: (kind, holder, now, rule) => {
        takes.push(down ? 'refused' : 'table');
        return down ? Promise.reject(new Error('storage unreachable')) : table.take(kind, holder, now, rule);
      },
      answer: (ticket, now) => table.answer(ticket, now),
      pauseUntil: (until) => table.pauseUntil(until),
      close: () => table.close(),
    };
    const lines: string[] = [];
    const logged = createLogger('info', { write: (line: string) => lines.push(line) });
    budget = new SendBudget(failing, { log: logged, holder: 'test', now: () => Date.now() });
    // The first reply meets the outage and goes on the process's own tickets; the next ones do not ask the table.
    (await budget.acquire('reply'))();
    (await budget.acquire('reply'))();
    expect(takes).to.deep.equal(['refused']);
    expect(lines.filter((l) => l.includes('shared table cannot be read'))).to.have.length(1);
    // Five seconds on, the table is asked again, and answers.
    down = false;
    await clock.tickAsync(5000);
    (await budget.acquire('reply'))();
    expect(takes).to.deep.equal(['refused', 'table']);
    expect(lines.filter((l) => l.includes('shared table answers again'))).to.have.length(1);
  });
});
