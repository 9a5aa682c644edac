/**
 * What every TemporaryAccessPassGrantStore must do, on SQLite and on Azure Tables (Azurite): a grant is
 * claimed once (of many presses at once on two instances, exactly one wins), released only while unsettled,
 * settled once, confirmed in person once, purged by age, and never holds anything like a pass.
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import type {
  TemporaryAccessPassGrant,
  TemporaryAccessPassGrantStore,
} from '../../src/ports/temporaryAccessPassGrants';
import type { NewPlace, StoragePlace } from '../support/storagePlaces';

const DESK = '7c000000-0000-4000-8000-0000000000d1';
const PUPIL = '7c000000-0000-4000-8000-0000000000a1';
const OTHER = '7c000000-0000-4000-8000-0000000000a2';

function grant(overrides: Partial<TemporaryAccessPassGrant> = {}): TemporaryAccessPassGrant {
  return {
    id: crypto.randomBytes(16).toString('base64url'),
    deskMemberId: DESK,
    userId: PUPIL,
    createdAt: '2026-11-30T10:00:00.000Z',
    via: 'supportCode',
    ...overrides,
  };
}

export function describeTemporaryAccessPassGrantContracts(backend: string, newPlace: NewPlace): void {
  describe(`temporary access pass grant store contract: ${backend}`, () => {
    let place: StoragePlace;
    let store: TemporaryAccessPassGrantStore;
    let other: TemporaryAccessPassGrantStore;
    beforeEach(async () => {
      place = await newPlace();
      store = (await place.open()).temporaryAccessPasses;
      other = (await place.open()).temporaryAccessPasses;
    });
    afterEach(() => place.close());

    it('keeps a grant as made, and knows no other id', async () => {
      const made = grant({ id: 'a/b#c?d%e' });
      await store.create(made);
      expect(await other.get(made.id)).to.deep.equal(made);
      expect(await store.get('a')).to.equal(undefined);
    });

    it('of 8 claims of one grant at once on two instances exactly one wins; a settled grant stays claimed', async () => {
      const made = grant();
      await store.create(made);
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : store).claim(made.id, `2026-11-30T10:01:0${i}.000Z`),
        ),
      );
      expect(claims.filter(Boolean)).to.have.length(1);
      const winner = `2026-11-30T10:01:0${claims.indexOf(true)}.000Z`;
      expect((await other.get(made.id))?.claimedAt).to.equal(winner);
      expect(await store.claim(made.id, '2026-11-30T10:02:00.000Z')).to.equal(false);

      await other.settle(made.id, 'issued', '2026-11-30T10:01:30.000Z');
      // Settled: nothing to release, and a second settlement changes nothing.
      expect(await store.release(made.id)).to.equal(false);
      await store.settle(made.id, 'noPermission', '2026-11-30T10:03:00.000Z');
      expect(await store.get(made.id)).to.deep.equal({
        ...made,
        claimedAt: winner,
        outcome: 'issued',
        settledAt: '2026-11-30T10:01:30.000Z',
      });
      expect(await store.claim('no-such-grant', '2026-11-30T10:02:00.000Z')).to.equal(false);
    });

    it('a released claim (Graph was unavailable) can be claimed again, once', async () => {
      const made = grant();
      await store.create(made);
      expect(await store.release(made.id)).to.equal(false);
      expect(await store.claim(made.id, '2026-11-30T10:01:00.000Z')).to.equal(true);
      expect(await other.release(made.id)).to.equal(true);
      expect(await store.get(made.id)).to.deep.equal(made);
      const again = await Promise.all([
        store.claim(made.id, '2026-11-30T10:02:00.000Z'),
        other.claim(made.id, '2026-11-30T10:02:00.001Z'),
      ]);
      expect(again.filter(Boolean)).to.have.length(1);
    });

    it('records an in-person confirmation once, and only on an in-person grant', async () => {
      const inPerson = grant({ via: 'inPerson' });
      const byCode = grant();
      await store.create(inPerson);
      await store.create(byCode);
      const confirmations = await Promise.all([
        store.confirmInPerson(inPerson.id, '2026-11-30T10:00:30.000Z'),
        other.confirmInPerson(inPerson.id, '2026-11-30T10:00:31.000Z'),
      ]);
      expect(confirmations.filter(Boolean)).to.have.length(1);
      expect((await store.get(inPerson.id))?.confirmedInPersonAt).to.match(/^2026-11-30T10:00:3[01]/);
      expect(await store.confirmInPerson(byCode.id, '2026-11-30T10:00:30.000Z')).to.equal(false);
      expect((await store.get(byCode.id))?.confirmedInPersonAt).to.equal(undefined);
    });

    it('purges grants made before the cut-off; exports and erases by either party, without the other', async () => {
      const old = grant({ createdAt: '2026-07-01T10:00:00.000Z' });
      const given = grant({ userId: OTHER });
      const received = grant({
        deskMemberId: OTHER,
        userId: DESK,
        via: 'inPerson',
        createdAt: '2026-11-30T10:05:00.000Z',
      });
      for (const g of [old, given, received]) await store.create(g);
      await store.claim(given.id, '2026-11-30T10:01:00.000Z');
      await store.settle(given.id, 'issued', '2026-11-30T10:01:01.000Z');

      expect([...(await other.heldUserIds())].sort()).to.deep.equal([DESK, PUPIL, OTHER].sort());
      expect(await store.purgeCreatedBefore(new Date('2026-11-01T00:00:00Z'))).to.equal(1);
      expect(await other.get(old.id)).to.equal(undefined);

      const exported = await other.exportUser(OTHER);
      expect(exported).to.deep.equal([
        {
          kind: 'temporaryAccessPassGrant',
          role: 'user',
          createdAt: given.createdAt,
          via: 'supportCode',
          claimedAt: '2026-11-30T10:01:00.000Z',
          outcome: 'issued',
          settledAt: '2026-11-30T10:01:01.000Z',
        },
        {
          kind: 'temporaryAccessPassGrant',
          role: 'deskMember',
          createdAt: received.createdAt,
          via: 'inPerson',
        },
      ]);
      expect(JSON.stringify(exported)).to.not.include(DESK);

      expect(await store.eraseUser(OTHER)).to.equal(2);
      expect(await other.heldUserIds()).to.deep.equal(new Set());
      expect(await store.exportUser(DESK)).to.deep.equal([]);
    });
  });
}
