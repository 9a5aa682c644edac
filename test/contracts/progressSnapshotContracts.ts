/**
 * What every ProgressSnapshotStore must do, on SQLite and on Azure Tables (Azurite): one row per day, the day's
 * last count replacing its earlier one (seen by another instance), the days listed oldest first from a date,
 * a trust's hundreds of groups kept whole, and purged by date.
 */
import { expect } from 'chai';
import { emptyCounts } from '../../src/domain/progress/schoolProgress';
import type { DailyProgress, ProgressSnapshotStore } from '../../src/ports/progressSnapshotStore';
import type { NewPlace, StoragePlace } from '../support/storagePlaces';

function day(date: string, complete: number, groupCount = 2): DailyProgress {
  return {
    date,
    takenAt: `${date}T17:00:00.000Z`,
    groups: Array.from({ length: groupCount }, (_, i) => ({
      id: i === 0 ? 'school' : `5a00000a-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: i === 0 ? 'Whole school' : `Year ${i} — “form” ${i}`,
      kind: i === 0 ? ('school' as const) : ('report' as const),
      counts: { ...emptyCounts(), complete, notStarted: 10 - complete, total: 10 },
    })),
  };
}

export function describeProgressSnapshotContracts(backend: string, newPlace: NewPlace): void {
  describe(`progress snapshot store contract: ${backend}`, () => {
    let place: StoragePlace;
    let store: ProgressSnapshotStore;
    let other: ProgressSnapshotStore;
    beforeEach(async () => {
      place = await newPlace();
      store = (await place.open()).progressDays;
      other = (await place.open()).progressDays;
    });
    afterEach(() => place.close());

    it('lists the days oldest first, each as recorded, from a date on', async () => {
      await store.record(day('2026-12-02', 5));
      await store.record(day('2026-11-30', 1));
      await other.record(day('2026-12-01', 3));
      expect(await other.list()).to.deep.equal([
        day('2026-11-30', 1),
        day('2026-12-01', 3),
        day('2026-12-02', 5),
      ]);
      expect((await store.list('2026-12-01')).map((d) => d.date)).to.deep.equal(['2026-12-01', '2026-12-02']);
      expect(await store.list('2027-01-01')).to.deep.equal([]);
    });

    it("keeps one row per day: the day's later count replaces the earlier one, even with fewer groups", async () => {
      await store.record(day('2026-12-01', 2, 400));
      const later = { ...day('2026-12-01', 7, 3), takenAt: '2026-12-01T18:00:00.000Z' };
      await other.record(later);
      expect(await store.list()).to.deep.equal([later]);
    });

    it("keeps a trust's 400 groups whole", async () => {
      const big = day('2026-12-01', 4, 400);
      await store.record(big);
      expect(await other.list()).to.deep.equal([big]);
    });

    it('purges the days before a date, and only those', async () => {
      for (const date of ['2026-11-29', '2026-11-30', '2026-12-01']) await store.record(day(date, 1));
      expect(await store.purgeBefore('2026-12-01')).to.equal(2);
      expect((await other.list()).map((d) => d.date)).to.deep.equal(['2026-12-01']);
    });
  });
}
