/**
 * What every storage backend must do, written once and run against each (SQLite and Azure Storage on
 * Azurite): the same behaviour whichever backend the configuration picks.
 */
import { expect } from 'chai';
import type { Stores } from '../../src/adapters/storage';
import type { StoredUserProgress } from '../../src/ports/userProgressStore';
import { ConcurrencyError } from '../../src/ports/versioned';
import { expectRejection } from '../support/expectRejection';

export type OpenStores = () => Promise<Stores>;

function progress(step: StoredUserProgress['step'], updatedAt: string): StoredUserProgress {
  return { step, history: ['welcome'], updatedAt };
}

export function describeStoreContracts(backend: string, open: OpenStores): void {
  describe(`storage contract: ${backend}`, () => {
    let stores: Stores;
    beforeEach(async () => {
      stores = await open();
    });
    afterEach(() => stores.close());

    describe('user progress', () => {
      const user = '00000000-0000-4000-8000-0000000000a1';

      it('creates once, then updates only from the version it read', async () => {
        expect(await stores.progress.get(user)).to.equal(undefined);
        const first = await stores.progress.put(user, progress('chooseFirst', '2026-11-30T10:00:00.000Z'));
        await expectRejection(
          stores.progress.put(user, progress('welcome', '2026-11-30T10:00:01.000Z')),
          ConcurrencyError,
        );
        const read = await stores.progress.get(user);
        expect(read?.value.step).to.equal('chooseFirst');
        expect(read?.etag).to.equal(first);
        const second = await stores.progress.put(
          user,
          progress('first.app.get', '2026-11-30T10:01:00.000Z'),
          first,
        );
        expect(second).to.not.equal(first);
        expect((await stores.progress.get(user))?.etag).to.equal(second);
        // A writer still holding the first version loses, and nothing it wrote is kept.
        await expectRejection(
          stores.progress.put(user, progress('first.phone.switch', '2026-11-30T10:02:00.000Z'), first),
          ConcurrencyError,
        );
        expect((await stores.progress.get(user))?.value.step).to.equal('first.app.get');
      });

      it('lets exactly one of two racing writers win', async () => {
        await stores.progress.put(user, progress('chooseFirst', '2026-11-30T10:00:00.000Z'));
        const { etag } = (await stores.progress.get(user))!;
        const results = await Promise.allSettled([
          stores.progress.put(user, progress('first.app.get', '2026-11-30T10:01:00.000Z'), etag),
          stores.progress.put(user, progress('first.phone.switch', '2026-11-30T10:01:00.000Z'), etag),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
        const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(loser.reason).to.be.instanceOf(ConcurrencyError);
      });

      it('keeps the language a user chose with their progress, and a change of it', async () => {
        const chosen = { ...progress('chooseFirst', '2026-11-30T10:00:00.000Z'), language: 'ur' };
        const first = await stores.progress.put(user, chosen);
        expect((await stores.progress.get(user))?.value).to.deep.equal(chosen);
        await stores.progress.put(user, { ...chosen, language: 'pl' }, first);
        expect((await stores.progress.get(user))?.value.language).to.equal('pl');
      });

      it('purges only users inactive since the cut-off', async () => {
        await stores.progress.put(
          '00000000-0000-4000-8000-0000000000b1',
          progress('welcome', '2025-01-01T00:00:00.000Z'),
        );
        await stores.progress.put(
          '00000000-0000-4000-8000-0000000000b2',
          progress('welcome', '2026-11-01T00:00:00.000Z'),
        );
        expect(await stores.progress.purgeInactiveSince(new Date('2026-01-01T00:00:00Z'))).to.equal(1);
        expect(await stores.progress.get('00000000-0000-4000-8000-0000000000b1')).to.equal(undefined);
        expect((await stores.progress.get('00000000-0000-4000-8000-0000000000b2'))?.value).to.deep.equal(
          progress('welcome', '2026-11-01T00:00:00.000Z'),
        );
      });
    });

    describe('conversation references', () => {
      const ref = {
        userId: '00000000-0000-4000-8000-0000000000c1',
        tenantId: '5c4f0d3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f',
        conversationId: 'a:1',
        serviceUrl: 'https://smba.trafficmanager.net/uk/',
        reference: { conversation: { id: 'a:1' }, bot: { id: '28:bot' } },
        updatedAt: '2026-11-30T10:00:00.000Z',
      };

      it('saves, replaces, reads back and forgets', async () => {
        await stores.references.save(ref);
        expect(await stores.references.get(ref.userId)).to.deep.equal(ref);
        await stores.references.save({
          ...ref,
          conversationId: 'a:2',
          reference: { conversation: { id: 'a:2' } },
        });
        expect((await stores.references.get(ref.userId))?.conversationId).to.equal('a:2');
        await stores.references.remove(ref.userId);
        expect(await stores.references.get(ref.userId)).to.equal(undefined);
        await stores.references.remove(ref.userId); // forgetting twice is fine
      });

      it("keeps the user's Teams language with the reference, and a change of it; one saved without it reads without it", async () => {
        await stores.references.save({ ...ref, locale: 'ur-PK' });
        expect(await stores.references.get(ref.userId)).to.deep.equal({ ...ref, locale: 'ur-PK' });
        await stores.references.save({ ...ref, locale: 'pl-PL' });
        expect((await stores.references.get(ref.userId))?.locale).to.equal('pl-PL');
        await stores.references.save(ref);
        expect(await stores.references.get(ref.userId)).to.deep.equal(ref);
      });
    });

    describe('status follow-ups', () => {
      it('keeps one per user, oldest first, and never downgrades a live check to a report answer', async () => {
        await stores.followUps.add({ userId: 'u2', kind: 'status', requestedAt: '2026-11-30T10:00:02.000Z' });
        await stores.followUps.add({ userId: 'u1', kind: 'done', requestedAt: '2026-11-30T10:00:01.000Z' });
        await stores.followUps.add({ userId: 'u1', kind: 'status', requestedAt: '2026-11-30T10:00:03.000Z' });
        expect(await stores.followUps.list()).to.deep.equal([
          { userId: 'u2', kind: 'status', requestedAt: '2026-11-30T10:00:02.000Z' },
          { userId: 'u1', kind: 'done', requestedAt: '2026-11-30T10:00:03.000Z' },
        ]);
        await stores.followUps.remove('u2');
        await stores.followUps.remove('nobody');
        expect((await stores.followUps.list()).map((f) => f.userId)).to.deep.equal(['u1']);
      });
    });
  });
}
