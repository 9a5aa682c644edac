import { expect } from 'chai';
import sinon from 'sinon';
import {
  BudgetWaitAborted,
  RequestBudget,
  type BudgetPriority,
} from '../../../src/adapters/graph/requestBudget';

describe('Request budget (fake clock)', () => {
  let sandbox: sinon.SinonSandbox;
  let clock: sinon.SinonFakeTimers;
  let budget: RequestBudget;
  /** When each acquire was granted, in fake milliseconds, with its label. */
  let grants: { label: string; at: number }[];

  beforeEach(() => {
    sandbox = sinon.createSandbox();
    clock = sandbox.useFakeTimers({ now: 0 });
    budget = new RequestBudget({
      limit: 5,
      windowMs: 10_000,
      reservedForInteractive: 1,
      now: () => Date.now(),
    });
    grants = [];
  });
  afterEach(() => {
    budget.close();
    sandbox.restore();
  });

  function take(label: string, priority: BudgetPriority, signal?: AbortSignal): Promise<void> {
    return budget.acquire(priority, signal).then(() => {
      grants.push({ label, at: Date.now() });
    });
  }

  /** The largest number of grants inside any window of `windowMs`. */
  function busiestWindow(windowMs = 10_000): number {
    let most = 0;
    for (const g of grants)
      most = Math.max(most, grants.filter((o) => o.at >= g.at && o.at < g.at + windowMs).length);
    return most;
  }

  it('never starts more than 5 in any 10 s, however many ask', async () => {
    const all = Array.from({ length: 23 }, (_, i) => take(`p${i}`, 'interactive'));
    await clock.tickAsync(60_000);
    await Promise.all(all);
    expect(grants).to.have.length(23);
    expect(busiestWindow()).to.equal(5);
    expect(grants.map((g) => g.at).slice(0, 11)).to.deep.equal([
      0, 0, 0, 0, 0, 10_000, 10_000, 10_000, 10_000, 10_000, 20_000,
    ]);
  });

  it('serves a waiting person before queued background work', async () => {
    const background = Array.from({ length: 8 }, (_, i) => take(`bg${i}`, 'background'));
    await clock.tickAsync(1);
    const person = take('person', 'interactive');
    await clock.tickAsync(30_000);
    await Promise.all([...background, person]);
    // Background keeps one slot free, so the person starts at once, ahead of the four still queued.
    expect(grants.find((g) => g.label === 'person')?.at).to.equal(1);
    expect(grants.filter((g) => g.at < 10_000).map((g) => g.label)).to.deep.equal([
      'bg0',
      'bg1',
      'bg2',
      'bg3',
      'person',
    ]);
    expect(busiestWindow()).to.be.at.most(5);
  });

  it('leaves background work at 4 per window when nobody else is waiting', async () => {
    const background = Array.from({ length: 12 }, (_, i) => take(`bg${i}`, 'background'));
    await clock.tickAsync(40_000);
    await Promise.all(background);
    expect(busiestWindow()).to.equal(4);
    expect(budget.granted).to.deep.equal({ interactive: 0, background: 12 });
  });

  it("pauses every start for a 429's Retry-After", async () => {
    await take('a', 'interactive');
    budget.pause(7_000);
    const next = take('b', 'interactive');
    await clock.tickAsync(6_999);
    expect(grants.map((g) => g.label)).to.deep.equal(['a']);
    await clock.tickAsync(1);
    await next;
    expect(grants[1]).to.deep.equal({ label: 'b', at: 7_000 });
  });

  it('adds the safety margin to the window', async () => {
    const margined = new RequestBudget({ limit: 1, windowMs: 10_000, marginMs: 500, now: () => Date.now() });
    await margined.acquire('interactive');
    let second = -1;
    const waiting = margined.acquire('interactive').then(() => (second = Date.now()));
    await clock.tickAsync(11_000);
    await waiting;
    expect(second).to.equal(10_500);
    margined.close();
  });

  it('lets a waiter give up, and closes cleanly', async () => {
    for (let i = 0; i < 5; i++) await take(`x${i}`, 'interactive');
    const controller = new AbortController();
    const gaveUp = budget.acquire('interactive', controller.signal).then(
      () => 'granted',
      (e: unknown) => (e instanceof BudgetWaitAborted ? 'aborted' : 'other'),
    );
    controller.abort();
    expect(await gaveUp).to.equal('aborted');
    expect(budget.waiting.interactive).to.equal(0);
    const pending = budget.acquire('background').catch((e: unknown) => e);
    budget.close();
    expect(await pending).to.be.instanceOf(BudgetWaitAborted);
  });
});
