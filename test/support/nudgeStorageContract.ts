/**
 * The contract every nudge storage backend must keep (ledger, queue, leases), as one mocha suite that a
 * backend runs by giving a factory. SQLite runs it in test/adapters/sqlite; the Azure Storage backend
 * runs the same suite against Azurite. Time-dependent cases call `elapse(ms)`, which a backend with a fake
 * clock advances and a real one sleeps through; durations are multiples of the backend's `unitMs`/`leaseMs`.
 */
import { expect } from 'chai';
import { expectRejection } from './expectRejection';
import type { LeaseStore } from '../../src/ports/leases';
import type { LedgerKey, NudgeLedger } from '../../src/ports/nudgeLedger';
import type { NudgeQueue } from '../../src/ports/nudgeQueue';
import { ConcurrencyError } from '../../src/ports/versioned';

export interface NudgeStorage {
  ledger: NudgeLedger;
  queue: NudgeQueue;
  leases: LeaseStore;
  /** A second, independent handle on the same storage (another process or instance). */
  other(): Promise<Pick<NudgeStorage, 'ledger' | 'queue' | 'leases'>>;
  elapse(ms: number): Promise<void>;
  /**
   * The backend's time grain: queue timeouts in the tests are multiples of it (100 ms on a fake clock; 1 s on
   * Queue Storage, which counts whole seconds). Leases use `leaseMs` (blob leases last 15 s at least).
   */
  unitMs: number;
  leaseMs: number;
  close(): Promise<void>;
}

const T0 = '2027-01-04T08:30:00.000Z';
const key = (userId: string, nudge = 'd7', campaignId = 'enforcement-2027-01-11'): LedgerKey => ({
  campaignId,
  userId,
  nudge,
});

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

export function describeNudgeStorageContract(backend: string, open: () => Promise<NudgeStorage>): void {
  describe(`Nudge storage contract: ${backend}`, function () {
    this.timeout(60_000);
    let s: NudgeStorage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    describe('ledger', () => {
      it('claims a row once, even when two handles claim it at the same time', async () => {
        const other = await s.other();
        const claim = { ...key('u1'), group: 'All pupils', at: T0 };
        const [a, b] = await Promise.all([s.ledger.claim([claim]), other.ledger.claim([claim])]);
        expect([a[0], b[0]].filter(Boolean)).to.have.length(1);
        expect(await s.ledger.claim([claim, { ...claim, userId: 'u2' }])).to.deep.equal([false, true]);
        const row = await s.ledger.get(key('u1'));
        expect(row).to.include({ state: 'queued', group: 'All pupils', attempts: 0, enqueued: false });
        expect(await s.ledger.get(key('nobody'))).to.equal(undefined);
      });

      it('updates only at the etag it read; a stale writer gets ConcurrencyError', async () => {
        await s.ledger.claim([{ ...key('u1'), group: 'g', at: T0 }]);
        const row = (await s.ledger.get(key('u1')))!;
        const taken = await s.ledger.update(key('u1'), row.etag, {
          attempts: 1,
          attemptBy: 'worker-a',
          attemptAt: T0,
          updatedAt: T0,
        });
        expect(taken).to.include({ attempts: 1, attemptBy: 'worker-a' });
        expect(taken.etag).to.not.equal(row.etag);
        await expectRejection(
          s.ledger.update(key('u1'), row.etag, { attempts: 1, attemptBy: 'worker-b', updatedAt: T0 }),
          ConcurrencyError,
        );
        const done = await s.ledger.update(key('u1'), taken.etag, {
          state: 'sent',
          attemptBy: undefined,
          attemptAt: undefined,
          updatedAt: T0,
        });
        expect(done).to.include({ state: 'sent', attempts: 1 });
        expect(done.attemptBy).to.equal(undefined);
      });

      it('notes a send on the wire on its take, even after another write (the enqueued mark); not on a take that is gone', async () => {
        await s.ledger.claim([
          { ...key('u1'), group: 'g', at: T0 },
          { ...key('u2'), group: 'g', at: T0 },
        ]);
        const takeOf = async (userId: string, by: string) => {
          const row = (await s.ledger.get(key(userId)))!;
          return s.ledger.update(key(userId), row.etag, {
            attempts: 1,
            attemptBy: by,
            attemptAt: T0,
            updatedAt: T0,
          });
        };
        const taken = await takeOf('u1', 'worker-a');
        // The planner marks the row enqueued after the take: the row's version moved on.
        await s.ledger.markEnqueued([key('u1')], T0);
        const noted = await s.ledger.noteOnWire(taken, '2027-01-04T08:30:01.000Z');
        expect(noted).to.include({
          onWireAt: '2027-01-04T08:30:01.000Z',
          enqueued: true,
          attemptBy: 'worker-a',
        });
        const stored = (await s.ledger.get(key('u1')))!;
        expect(stored).to.include({ onWireAt: '2027-01-04T08:30:01.000Z', enqueued: true, attempts: 1 });
        expect(stored.etag).to.equal(noted!.etag);

        // Another worker's take, or none: nothing is written.
        const stale = await takeOf('u2', 'worker-a');
        const other = await s.ledger.update(key('u2'), stale.etag, {
          attemptBy: 'worker-b',
          attemptAt: '2027-01-04T08:31:00.000Z',
          updatedAt: T0,
        });
        expect(await s.ledger.noteOnWire(stale, '2027-01-04T08:31:01.000Z')).to.equal(undefined);
        const released = await s.ledger.update(key('u2'), other.etag, {
          attemptBy: undefined,
          attemptAt: undefined,
          updatedAt: T0,
        });
        expect(await s.ledger.noteOnWire(released, '2027-01-04T08:31:02.000Z')).to.equal(undefined);
        expect((await s.ledger.get(key('u2')))!.onWireAt).to.equal(undefined);
      });

      it('keeps a failure count, absent until set and cleared by undefined', async () => {
        await s.ledger.claim([{ ...key('u1'), group: 'g', at: T0 }]);
        const row = (await s.ledger.get(key('u1')))!;
        expect(row.failures).to.equal(undefined);
        const failed = await s.ledger.update(key('u1'), row.etag, { failures: 2, updatedAt: T0 });
        expect(failed.failures).to.equal(2);
        expect((await s.ledger.get(key('u1')))!.failures).to.equal(2);
        expect((await s.ledger.history('enforcement-2027-01-11', 'u1'))[0]!.failures).to.equal(2);
        const cleared = await s.ledger.update(key('u1'), failed.etag, { failures: undefined, updatedAt: T0 });
        expect(cleared.failures).to.equal(undefined);
        expect((await s.ledger.get(key('u1')))!.failures).to.equal(undefined);
      });

      it("keeps a sent nudge's message id and where its card's update stands, read back by every read", async () => {
        await s.ledger.claim([{ ...key('u1'), group: 'g', at: T0 }]);
        const row = (await s.ledger.get(key('u1')))!;
        expect([row.activityId, row.doneCard]).to.deep.equal([undefined, undefined]);
        const sent = await s.ledger.update(key('u1'), row.etag, {
          state: 'sent',
          activityId: '1:1a2b3c',
          updatedAt: T0,
        });
        const queued = await s.ledger.update(key('u1'), sent.etag, {
          doneCard: 'queued',
          doneCardAt: '2027-01-05T16:00:00.000Z',
          updatedAt: T0,
        });
        expect(queued).to.include({ activityId: '1:1a2b3c', doneCard: 'queued' });
        await s.ledger.update(key('u1'), queued.etag, {
          doneCard: 'shown',
          doneCardAt: '2027-01-05T16:00:01.000Z',
          updatedAt: T0,
        });
        const reads = [
          (await s.ledger.get(key('u1')))!,
          (await s.ledger.history('enforcement-2027-01-11', 'u1'))[0]!,
          (await s.ledger.histories('enforcement-2027-01-11', ['u1'])).get('u1')![0]!,
          (await all(s.ledger.scan('enforcement-2027-01-11', { states: ['sent'] })))[0]!,
        ];
        for (const read of reads)
          expect(read).to.include({
            activityId: '1:1a2b3c',
            doneCard: 'shown',
            doneCardAt: '2027-01-05T16:00:01.000Z',
            updatedAt: T0,
          });
      });

      it('takes the key fields only from the key: a whole row passed as the key changes nothing else', async () => {
        await s.ledger.claim([{ ...key('u1'), group: 'g', at: T0 }]);
        const row = (await s.ledger.get(key('u1')))!;
        const done = await s.ledger.update(row, row.etag, { state: 'sent', updatedAt: T0 });
        expect(done).to.include({ state: 'sent', userId: 'u1', nudge: 'd7' });
        expect((await s.ledger.get(key('u1')))!.state).to.equal('sent');
      });

      it('reads one user, many users, scans by state and by missing queue message, and counts', async () => {
        await s.ledger.claim([
          { ...key('u1', 'd7'), group: 'Year 7', at: T0 },
          { ...key('u1', 'd7+s1'), group: 'Year 7', at: T0 },
          { ...key('u2', 'd7'), group: 'Year 8', at: T0 },
          { ...key('u3', 'd7', 'another-campaign'), group: 'Year 8', at: T0 },
        ]);
        const u2 = (await s.ledger.get(key('u2')))!;
        await s.ledger.update(key('u2'), u2.etag, {
          state: 'blocked',
          detail: 'ConversationBlockedByUser',
          updatedAt: T0,
        });
        await s.ledger.markEnqueued([key('u1', 'd7')], T0);
        expect(
          (await s.ledger.history('enforcement-2027-01-11', 'u1')).map((e) => e.nudge).sort(),
        ).to.deep.equal(['d7', 'd7+s1']);
        const many = await s.ledger.histories('enforcement-2027-01-11', ['u1', 'u2', 'u3']);
        expect([...many.keys()].sort()).to.deep.equal(['u1', 'u2']);
        const queued = await all(s.ledger.scan('enforcement-2027-01-11', { states: ['queued'] }));
        expect(queued.map((e) => e.nudge).sort()).to.deep.equal(['d7', 'd7+s1']);
        const lost = await all(
          s.ledger.scan('enforcement-2027-01-11', {
            states: ['queued'],
            notEnqueuedBefore: '2027-01-04T09:00:00.000Z',
          }),
        );
        expect(lost.map((e) => e.nudge)).to.deep.equal(['d7+s1']);
        const counts = await s.ledger.counts('enforcement-2027-01-11');
        expect(counts.byState).to.deep.equal({
          queued: 2,
          blocked: 1,
          'blocked:ConversationBlockedByUser': 1,
        });
        expect(counts.byGroup).to.deep.equal({ 'Year 7': { queued: 2 }, 'Year 8': { blocked: 1 } });
        // A snooze's reminder (d7+s1) counts in its stage.
        expect(counts.byStage).to.deep.equal({ d7: { queued: 2, blocked: 1 } });
      });

      it('pages through a large scan without losing or repeating rows', async () => {
        const claims = Array.from({ length: 1234 }, (_, i) => ({
          ...key(`user-${String(i).padStart(5, '0')}`),
          group: 'g',
          at: T0,
        }));
        await s.ledger.claim(claims);
        const seen = await all(s.ledger.scan('enforcement-2027-01-11', {}));
        expect(new Set(seen.map((e) => e.userId)).size).to.equal(1234);
        expect(seen).to.have.length(1234);
      });

      it('keeps campaign markers', async () => {
        expect(await s.ledger.getMarker('c', 'pass:d7')).to.equal(undefined);
        await s.ledger.setMarker('c', 'pass:d7', '2027-01-04');
        await s.ledger.setMarker('c', 'pass:d7', '2027-01-05');
        expect(await s.ledger.getMarker('c', 'pass:d7')).to.equal('2027-01-05');
        await s.ledger.setMarker('c', 'registered:u1', 'T1');
        await s.ledger.setMarker('c', 'registered:u2', 'T2');
        await s.ledger.setMarker('c', 'registeredx', 'no');
        await s.ledger.setMarker('other', 'registered:u3', 'T3');
        expect([...(await s.ledger.markersStartingWith('c', 'registered:'))].sort()).to.deep.equal([
          ['registered:u1', 'T1'],
          ['registered:u2', 'T2'],
        ]);
      });
    });

    describe('queue', () => {
      it('hands a message to one receiver at a time and brings it back after the visibility timeout', async () => {
        const other = await s.other();
        await s.queue.enqueue([{ ...key('u1'), firstName: 'Sam' }]);
        const u = s.unitMs;
        const [a, b] = await Promise.all([s.queue.receive(32, 2 * u), other.queue.receive(32, 2 * u)]);
        expect(a.length + b.length).to.equal(1);
        const first = [...a, ...b][0]!;
        expect(first).to.include({ dequeueCount: 1 });
        expect(first.job).to.deep.equal({ ...key('u1'), firstName: 'Sam' });
        expect(await s.queue.receive(32, 2 * u)).to.deep.equal([]);
        await s.elapse(3 * u);
        const again = await other.queue.receive(32, 2 * u);
        expect(again).to.have.length(1);
        expect(again[0]!.dequeueCount).to.equal(2);
        // The first receiver's pop receipt went stale when the message was received again.
        expect(await s.queue.delete(first.messageId, first.popReceipt)).to.equal(false);
        expect(await s.queue.delete(again[0]!.messageId, again[0]!.popReceipt)).to.equal(true);
        expect(await s.queue.approximateCount()).to.equal(0);
      });

      it('delays on enqueue, defers a received message, and receives up to the maximum asked', async () => {
        const u = s.unitMs;
        await s.queue.enqueue([key('later')], { delayMs: 2 * u });
        await s.queue.enqueue(Array.from({ length: 40 }, (_, i) => key(`u${i}`)));
        const got = await s.queue.receive(32, 5_000);
        expect(got).to.have.length(32);
        expect(got.map((m) => m.job.userId)).to.not.include('later');
        const receipt = await s.queue.defer(got[0]!.messageId, got[0]!.popReceipt, u);
        expect(receipt).to.be.a('string');
        expect(await s.queue.defer(got[0]!.messageId, got[0]!.popReceipt, u)).to.equal(undefined);
        await s.elapse(3 * u);
        const next = (await s.queue.receive(32, 5_000)).map((m) => m.job.userId).sort();
        expect(next).to.include('later');
        expect(next).to.include('u0');
        expect(next).to.have.length(10);
        expect(await s.queue.approximateCount()).to.equal(41);
      });
    });

    describe('leases', () => {
      it('has one holder at a time, renews, and is taken over once the holder stops renewing', async () => {
        const other = await s.other();
        const l = s.leaseMs;
        const a = await s.leases.acquire('planner:c', 'a', l);
        expect(a).to.be.a('string');
        expect(await other.leases.acquire('planner:c', 'b', l)).to.equal(undefined);
        // Renewed early and then left: each wait is as short as the question needs (blob leases last 15 s at
        // least), with a tenth of the duration as margin either side of the renewed lease's end.
        await s.elapse(0.15 * l);
        expect(await s.leases.renew('planner:c', a!, l)).to.equal(true);
        await s.elapse(0.9 * l);
        // Renewed, so still held although more than one duration has passed since it was taken.
        expect(await other.leases.acquire('planner:c', 'b', l)).to.equal(undefined);
        await s.elapse(0.2 * l);
        const b = await other.leases.acquire('planner:c', 'b', l);
        expect(b).to.be.a('string');
        expect(await s.leases.renew('planner:c', a!, l)).to.equal(false);
        await other.leases.release('planner:c', b!);
        expect(await s.leases.acquire('planner:c', 'a', l)).to.be.a('string');
      });
    });
  });
}
