/**
 * What every EscalationStore must do, on SQLite and on Azure Tables (Azurite): the outbox's guarantees
 * ("one escalation per form", "never past the daily limit", "one sender per attempt") rest on these, also
 * when several instances use one store at once (two openings of the same place here).
 */
import { expect } from 'chai';
import type { Stores } from '../../src/adapters/storage';
import type { OutgoingMail } from '../../src/domain/escalation/escalationMail';
import type {
  CreateResult,
  Escalation,
  EscalationStore,
  NewEscalation,
} from '../../src/ports/escalationStore';
import type { NewPlace, StoragePlace } from '../support/storagePlaces';

const SAM = '5a000000-0000-4000-8000-000000000001';
const PRIYA = '5a000000-0000-4000-8000-000000000002';
const T0 = '2026-11-30T10:00:00.000Z';

let counter = 0;

/** A new escalation for `userId` (a fresh id and form unless given). */
function draft(userId: string, extra: Partial<NewEscalation> = {}): NewEscalation {
  counter++;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    userId,
    formId: `form-${counter}`,
    category: 'appWontScan',
    way: 'book',
    booking: { day: '2026-12-01', part: 'morning' },
    words: { text: 'the QR code will not scan 📷', truncated: false },
    step: 'first.app.scan',
    language: 'pl',
    createdAt: T0,
    localDate: '2026-11-30',
    channelCopy: 'owed',
    ...extra,
  };
}

function mail(reference: string, html = '<p>hello</p>'): OutgoingMail {
  return {
    sender: 'desk@school.example',
    to: 'desk@school.example',
    replyTo: { address: 'sam@school.example', name: 'Sam' },
    subject: `[${reference}] MFA help`,
    html,
    internetMessageId: `<x.${reference.toLowerCase()}@school.example>`,
    headers: [{ name: 'X-MFA-Reference', value: reference }],
  };
}

/** References handed out in order (then fresh random-looking ones). */
function references(...wanted: string[]): () => string {
  const queue = [...wanted];
  return () => queue.shift() ?? `MFA-${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
}

function created(result: CreateResult): Escalation {
  expect(result.kind).to.equal('created');
  return (result as { escalation: Escalation }).escalation;
}

const at = (iso: string) => new Date(iso);

export function describeEscalationStoreContracts(backend: string, newPlace: NewPlace): void {
  describe(`escalation store contract: ${backend}`, () => {
    let place: StoragePlace;
    let stores: Stores;
    let store: EscalationStore;
    beforeEach(async () => {
      place = await newPlace();
      stores = await place.open();
      store = stores.escalations;
    });
    afterEach(() => place.close());

    /** Stores a composed escalation of Sam's, due at T0. */
    async function composed(extra: Partial<NewEscalation> = {}): Promise<Escalation> {
      const e = created(await store.create(draft(SAM, extra), 10, references()));
      await store.saveComposed(e.id, mail(e.reference));
      return (await store.get(e.id))!;
    }

    it('stores a form once: the same form again is the same escalation, and nothing new is kept', async () => {
      const first = draft(SAM);
      const e = created(await store.create(first, 3, references('MFA-7K2Q')));
      expect(e).to.deep.include({
        id: first.id,
        reference: 'MFA-7K2Q',
        userId: SAM,
        formId: first.formId,
        state: 'queued',
        attempts: 0,
        nextAttemptAt: T0,
        userOwedNotice: false,
        channelCopy: 'owed',
        words: first.words,
        booking: first.booking,
        language: 'pl',
      });
      expect(await store.get(e.id)).to.deep.equal(e);
      expect(await store.findByReference('MFA-7K2Q')).to.deep.equal(e);

      const again = { ...draft(SAM), formId: first.formId };
      const duplicate = await store.create(again, 3, references('MFA-9XYZ'));
      expect(duplicate).to.deep.equal({ kind: 'duplicate', escalation: e });
      expect(await store.get(again.id)).to.equal(undefined);
      expect(await store.findByReference('MFA-9XYZ')).to.equal(undefined);
      // The same form id from someone else is their own form.
      expect((await store.create({ ...draft(PRIYA), formId: first.formId }, 3, references())).kind).to.equal(
        'created',
      );
    });

    it('never hands out a reference twice, across users: a taken one is asked for again', async () => {
      const sams = created(await store.create(draft(SAM), 3, references('MFA-AAAA')));
      const priyas = created(
        await store.create(draft(PRIYA), 3, references('MFA-AAAA', 'MFA-AAAA', 'MFA-CCCC')),
      );
      expect(priyas.reference).to.equal('MFA-CCCC');
      expect((await store.findByReference('MFA-AAAA'))?.id).to.equal(sams.id);
      expect((await store.findByReference('MFA-CCCC'))?.userId).to.equal(PRIYA);
      expect(await store.findByReference('MFA-DDDD')).to.equal(undefined);
    });

    it('the daily limit counts one school day per user, and lists the escalations already made', async () => {
      const one = created(
        await store.create(draft(SAM, { createdAt: '2026-11-30T08:00:00.000Z' }), 2, references()),
      );
      const two = created(
        await store.create(draft(SAM, { createdAt: '2026-11-30T09:00:00.000Z' }), 2, references()),
      );
      const limit = await store.create(draft(SAM), 2, references());
      expect(limit.kind).to.equal('limit');
      expect((limit as { today: Escalation[] }).today.map((e) => e.reference)).to.deep.equal([
        one.reference,
        two.reference,
      ]);
      // Another day, another user: not limited.
      created(
        await store.create(
          draft(SAM, { localDate: '2026-12-01', createdAt: '2026-12-01T08:00:00.000Z' }),
          2,
          references(),
        ),
      );
      created(await store.create(draft(PRIYA), 2, references()));
      // A form already stored is still "already sent", not "limit".
      expect((await store.create({ ...draft(SAM), formId: one.formId }, 2, references())).kind).to.equal(
        'duplicate',
      );
    });

    it('composes once, claims each attempt, retries when due, and keeps no words or mail once sent', async () => {
      const e = created(await store.create(draft(SAM), 3, references()));
      expect((await store.due(at(T0), 10)).map((d) => d.id)).to.deep.equal([e.id]);
      // Only a composed escalation can be claimed.
      expect(await store.claimAttempt(e.id, at(T0))).to.equal(false);
      await store.saveComposed(e.id, mail(e.reference));
      await store.saveComposed(e.id, mail(e.reference, '<p>a different mail</p>'));
      expect((await store.get(e.id))?.mail).to.deep.equal(mail(e.reference));

      expect(await store.claimAttempt(e.id, at('2026-11-30T10:00:01.000Z'))).to.equal(true);
      expect(await store.claimAttempt(e.id, at('2026-11-30T10:00:01.000Z'))).to.equal(false);
      expect(await store.get(e.id)).to.deep.include({
        attempts: 1,
        inFlightSince: '2026-11-30T10:00:01.000Z',
      });
      expect(await store.due(at('2026-11-30T11:00:00.000Z'), 10)).to.deep.equal([]);
      expect(await store.nextDueAt()).to.equal(undefined);

      await store.markRetry(e.id, at('2026-11-30T10:05:00.000Z'), '503');
      expect(await store.get(e.id)).to.deep.include({
        inFlightSince: undefined,
        lastError: '503',
        state: 'composed',
      });
      expect(await store.nextDueAt()).to.equal('2026-11-30T10:05:00.000Z');
      expect(await store.due(at('2026-11-30T10:04:59.999Z'), 10)).to.deep.equal([]);
      // An instance that listed it before the retry was scheduled cannot send it early.
      expect(await store.claimAttempt(e.id, at('2026-11-30T10:04:59.999Z'))).to.equal(false);
      expect((await store.due(at('2026-11-30T10:05:00.000Z'), 10)).map((d) => d.id)).to.deep.equal([e.id]);
      expect(await store.claimAttempt(e.id, at('2026-11-30T10:05:00.000Z'))).to.equal(true);

      await store.markSent(e.id, at('2026-11-30T10:05:01.000Z'));
      const sent = (await store.get(e.id))!;
      expect(sent).to.deep.include({ state: 'sent', sentAt: '2026-11-30T10:05:01.000Z', attempts: 2 });
      expect([sent.mail, sent.words, sent.inFlightSince, sent.nextAttemptAt]).to.deep.equal(
        Array(4).fill(undefined),
      );
      expect(sent.booking).to.deep.equal({ day: '2026-12-01', part: 'morning' });
      // The notice owed after a delayed mail is written in the language the user asked in.
      expect(sent.language).to.equal('pl');
      // Only forward: a late retry or failure does not bring it back.
      await store.markRetry(e.id, at(T0), '503');
      await store.markFailed(e.id, '403');
      expect((await store.get(e.id))?.state).to.equal('sent');
      expect(await store.claimAttempt(e.id, at('2026-11-30T12:00:00.000Z'))).to.equal(false);
    });

    it('a refusal is final: failed, without words or mail, never due again', async () => {
      const e = await composed();
      expect(await store.claimAttempt(e.id, at(T0))).to.equal(true);
      await store.markFailed(e.id, '403 ErrorAccessDenied');
      const failed = (await store.get(e.id))!;
      expect(failed).to.deep.include({ state: 'failed', lastError: '403 ErrorAccessDenied' });
      expect([failed.mail, failed.words, failed.inFlightSince]).to.deep.equal(Array(3).fill(undefined));
      expect(await store.due(at('2027-01-01T00:00:00.000Z'), 10)).to.deep.equal([]);
    });

    it('an attempt cut off in flight is interrupted once old enough, and released once', async () => {
      const e = await composed();
      const since = '2026-11-30T10:00:02.000Z';
      expect(await store.claimAttempt(e.id, at(since))).to.equal(true);
      expect(await store.interrupted(at('2026-11-30T10:00:01.999Z'))).to.deep.equal([]);
      expect((await store.interrupted(at(since))).map((i) => i.id)).to.deep.equal([e.id]);
      expect(await store.releaseInterrupted(e.id, '2026-11-30T09:00:00.000Z', at(since))).to.equal(false);
      expect(await store.releaseInterrupted(e.id, since, at('2026-11-30T10:02:00.000Z'))).to.equal(true);
      expect(await store.releaseInterrupted(e.id, since, at('2026-11-30T10:02:00.000Z'))).to.equal(false);
      expect(await store.get(e.id)).to.deep.include({
        inFlightSince: undefined,
        nextAttemptAt: '2026-11-30T10:02:00.000Z',
        attempts: 1,
      });
      expect(await store.interrupted(at('2027-01-01T00:00:00.000Z'))).to.deep.equal([]);
    });

    it('lists due escalations oldest first, at most `limit`, and the earliest next attempt', async () => {
      const late = await composed({ createdAt: '2026-11-30T10:00:03.000Z' });
      const early = await composed({ createdAt: '2026-11-30T10:00:01.000Z' });
      const middle = await composed({ createdAt: '2026-11-30T10:00:02.000Z' });
      expect((await store.due(at('2026-11-30T11:00:00.000Z'), 2)).map((e) => e.id)).to.deep.equal([
        early.id,
        middle.id,
      ]);
      expect((await store.due(at('2026-11-30T10:00:02.000Z'), 10)).map((e) => e.id)).to.deep.equal([
        early.id,
        middle.id,
      ]);
      expect(await store.nextDueAt()).to.equal('2026-11-30T10:00:01.000Z');
      expect(late.nextAttemptAt).to.equal('2026-11-30T10:00:03.000Z');
    });

    it('lists the unsettled escalations (queued or composed, any user) newest first, at most `limit`', async () => {
      const queued = created(
        await store.create(draft(PRIYA, { createdAt: '2026-11-30T10:00:04.000Z' }), 10, references()),
      );
      const older = await composed({ createdAt: '2026-11-30T10:00:01.000Z' });
      const newer = await composed({ createdAt: '2026-11-30T10:00:03.000Z' });
      const sent = await composed({ createdAt: '2026-11-30T10:00:05.000Z' });
      expect(await store.claimAttempt(sent.id, at('2026-11-30T10:00:05.000Z'))).to.equal(true);
      await store.markSent(sent.id, at('2026-11-30T10:00:06.000Z'));
      const failed = await composed({ createdAt: '2026-11-30T10:00:06.000Z' });
      await store.markFailed(failed.id, '403 ErrorAccessDenied');
      expect((await store.unsettled(10)).map((e) => [e.id, e.state])).to.deep.equal([
        [queued.id, 'queued'],
        [newer.id, 'composed'],
        [older.id, 'composed'],
      ]);
      expect((await store.unsettled(2)).map((e) => e.id)).to.deep.equal([queued.id, newer.id]);
    });

    it('lists the escalations given up on (failed, any user) newest first, at most `limit`, without their words', async () => {
      const older = await composed({ createdAt: '2026-11-30T10:00:01.000Z' });
      await store.markFailed(older.id, '403 ErrorAccessDenied');
      // Given up before it was ever composed (too old): failed all the same.
      const queued = created(
        await store.create(draft(PRIYA, { createdAt: '2026-11-30T10:00:03.000Z' }), 10, references()),
      );
      await store.markFailed(queued.id, 'expired');
      await composed({ createdAt: '2026-11-30T10:00:04.000Z' });
      const sent = await composed({ createdAt: '2026-11-30T10:00:05.000Z' });
      expect(await store.claimAttempt(sent.id, at('2026-11-30T10:00:05.000Z'))).to.equal(true);
      await store.markSent(sent.id, at('2026-11-30T10:00:06.000Z'));
      const found = await store.givenUp(10);
      expect(found.map((e) => [e.id, e.state, e.reference])).to.deep.equal([
        [queued.id, 'failed', queued.reference],
        [older.id, 'failed', older.reference],
      ]);
      expect(found.map((e) => [e.words, e.mail])).to.deep.equal([
        [undefined, undefined],
        [undefined, undefined],
      ]);
      expect((await store.givenUp(1)).map((e) => e.id)).to.deep.equal([queued.id]);
    });

    it('lists an urgent escalation (a sign-in the user did not start) before older ones, whatever `limit` is', async () => {
      const old1 = await composed({ createdAt: '2026-11-30T10:00:01.000Z' });
      await composed({ createdAt: '2026-11-30T10:00:02.000Z' });
      const urgent = await composed({ createdAt: '2026-11-30T10:00:03.000Z', category: 'signInNotMe' });
      expect((await store.due(at('2026-11-30T11:00:00.000Z'), 1)).map((e) => e.id)).to.deep.equal([
        urgent.id,
      ]);
      expect((await store.due(at('2026-11-30T11:00:00.000Z'), 2)).map((e) => e.id)).to.deep.equal([
        urgent.id,
        old1.id,
      ]);
    });

    it('owed notices, and channel copies owed once the mail is settled, claimed by one poster at a time', async () => {
      const e = await composed();
      await store.setUserOwedNotice(e.id, true);
      expect((await store.get(e.id))?.userOwedNotice).to.equal(true);
      expect(await store.channelCopiesOwed()).to.deep.equal([]);
      await store.claimAttempt(e.id, at(T0));
      await store.markSent(e.id, at(T0));
      expect((await store.channelCopiesOwed()).map((c) => c.id)).to.deep.equal([e.id]);

      expect(await store.claimChannelCopy(e.id, at('2026-11-30T10:01:00.000Z'), at(T0))).to.equal(true);
      expect(await store.claimChannelCopy(e.id, at('2026-11-30T10:01:30.000Z'), at(T0))).to.equal(false);
      // The poster died: its claim expires.
      expect(
        await store.claimChannelCopy(e.id, at('2026-11-30T10:04:00.000Z'), at('2026-11-30T10:01:00.000Z')),
      ).to.equal(true);
      // Still owed after a failed post: the claim is dropped for the next try.
      await store.setChannelCopy(e.id, 'owed');
      expect(await store.claimChannelCopy(e.id, at('2026-11-30T10:04:01.000Z'), at(T0))).to.equal(true);
      await store.setChannelCopy(e.id, 'posted');
      expect(await store.channelCopiesOwed()).to.deep.equal([]);
      expect(
        await store.claimChannelCopy(e.id, at('2026-11-30T11:00:00.000Z'), at('2026-11-30T11:00:00.000Z')),
      ).to.equal(false);
      expect((await store.get(e.id))?.channelCopy).to.equal('posted');
    });

    it('notices owed once the mail is settled, taken by one sender, and listed again when put back', async () => {
      const e = await composed();
      const other = await composed();
      await store.setUserOwedNotice(e.id, true);
      // Not settled yet: the notice waits for the outcome.
      expect(await store.noticesOwed()).to.deep.equal([]);
      await store.claimAttempt(e.id, at(T0));
      await store.markFailed(e.id, '403 ErrorAccessDenied');
      await store.claimAttempt(other.id, at(T0));
      await store.markSent(other.id, at(T0));
      expect((await store.noticesOwed()).map((n) => [n.id, n.state])).to.deep.equal([[e.id, 'failed']]);
      expect(await store.takeUserNotice(e.id)).to.equal(true);
      expect(await store.takeUserNotice(e.id)).to.equal(false);
      expect(await store.noticesOwed()).to.deep.equal([]);
      // The send did not reach the user: owed again, for a later pass.
      await store.setUserOwedNotice(e.id, true);
      expect((await store.noticesOwed()).map((n) => n.id)).to.deep.equal([e.id]);
      expect(await store.takeUserNotice(other.id)).to.equal(false);
    });

    it('keeps a long mail whole (more than one table property holds), emoji across the cuts', async () => {
      const e = created(await store.create(draft(SAM), 3, references()));
      // Emoji only around each 30,000-character property cut of the mail's JSON. Elsewhere ASCII: Azurite
      // decodes each TCP chunk of a request on its own, so a multi-byte character split between chunks comes
      // back as U+FFFD there (Azure itself does not do this).
      const offset = JSON.stringify(mail(e.reference, '\u0000')).indexOf('\\u0000');
      let html = '<p>';
      // Shifted by 0, 1 and 2 so that one cut falls after an emoji, one before, and one inside it.
      [30_000, 60_000, 90_000].forEach((cut, shift) => {
        html += 'a'.repeat(cut - 60 - shift - offset - html.length) + 'a😀'.repeat(40);
      });
      html += 'é</p>';
      await store.saveComposed(e.id, mail(e.reference, html));
      expect((await store.get(e.id))?.mail?.html).to.equal(html);
    });

    it('counts escalations by delivery state: every state, each escalation once, whoever made it', async () => {
      const none = { queued: 0, composed: 0, sent: 0, failed: 0 };
      expect(await store.countByState()).to.deep.equal(none);
      // Two queued (one of them Priya's, and a duplicate form that adds nothing), one composed, one sent, one failed.
      const first = draft(SAM);
      created(await store.create(first, 10, references()));
      await store.create({ ...draft(SAM), formId: first.formId }, 10, references());
      created(await store.create(draft(PRIYA), 10, references()));
      await composed();
      const sent = await composed();
      expect(await store.claimAttempt(sent.id, at(T0))).to.equal(true);
      await store.markSent(sent.id, at(T0));
      const failed = await composed();
      await store.markFailed(failed.id, '403');
      expect(await store.countByState()).to.deep.equal({ queued: 2, composed: 1, sent: 1, failed: 1 });
      await store.purgeCreatedBefore(at('2027-01-01T00:00:00.000Z'));
      expect(await store.countByState()).to.deep.equal(none);
    });

    it('purges what was created before the cut-off, and only that; a purged form can be sent again', async () => {
      const old = created(
        await store.create(
          draft(SAM, { createdAt: '2026-10-01T10:00:00.000Z', localDate: '2026-10-01' }),
          1,
          references('MFA-OLD1'),
        ),
      );
      const kept = created(await store.create(draft(SAM), 1, references('MFA-NEW1')));
      expect(await store.purgeCreatedBefore(at('2026-11-01T00:00:00.000Z'))).to.equal(1);
      expect(await store.get(old.id)).to.equal(undefined);
      expect(await store.findByReference('MFA-OLD1')).to.equal(undefined);
      expect(await store.get(kept.id)).to.deep.equal(kept);
      const resent = await store.create(
        draft(SAM, { formId: old.formId, createdAt: '2026-10-01T11:00:00.000Z', localDate: '2026-10-01' }),
        1,
        references('MFA-OLD1'),
      );
      expect(created(resent).reference).to.equal('MFA-OLD1');
      expect(await store.purgeCreatedBefore(at('2026-01-01T00:00:00.000Z'))).to.equal(0);
    });

    describe('two instances on one store', () => {
      let other: EscalationStore;
      beforeEach(async () => {
        other = (await place.open()).escalations;
      });
      /** Alternates calls between the two instances. */
      const either = (i: number) => (i % 2 === 0 ? store : other);

      it('the same form sent 8 times at once is one escalation; every answer names it', async () => {
        const form = draft(SAM);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            either(i).create({ ...draft(SAM), formId: form.formId }, 3, references()),
          ),
        );
        const made = results.filter((r) => r.kind === 'created');
        expect(made).to.have.length(1);
        const id = (made[0] as { escalation: Escalation }).escalation.id;
        for (const r of results) expect(r.kind === 'limit' ? r : r.escalation.id).to.equal(id);
        // It counts once against the day.
        created(await other.create(draft(SAM), 3, references()));
        created(await store.create(draft(SAM), 3, references()));
      });

      it('10 different forms at once with a limit of 3: exactly 3 stored, the rest told the limit', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => either(i).create(draft(SAM), 3, references())),
        );
        const made = results.filter((r) => r.kind === 'created');
        expect(made).to.have.length(3);
        const refs = made.map((r) => (r as { escalation: Escalation }).escalation.reference);
        expect(new Set(refs).size).to.equal(3);
        for (const r of results.filter((x) => x.kind === 'limit')) {
          expect((r as { today: Escalation[] }).today.map((e) => e.reference).sort()).to.deep.equal(
            [...refs].sort(),
          );
        }
        for (const ref of refs) expect((await other.findByReference(ref))?.userId).to.equal(SAM);
      });

      it('3 forms, each sent 4 times at once, with a limit of 3: each form stored once, none told the limit', async () => {
        for (let round = 0; round < 3; round++) {
          const day = `2026-12-0${round + 1}`;
          const forms = [draft(SAM), draft(SAM), draft(SAM)].map((f) => f.formId);
          const results = await Promise.all(
            Array.from({ length: 12 }, (_, i) =>
              either(i).create({ ...draft(SAM, { localDate: day }), formId: forms[i % 3]! }, 3, references()),
            ),
          );
          // A delivery that finds the day full of the others' forms, its own among them, is a repeat.
          expect(results.map((r) => r.kind).sort()).to.deep.equal([
            ...Array<string>(3).fill('created'),
            ...Array<string>(9).fill('duplicate'),
          ]);
        }
      });

      it('both claiming the same attempt: exactly one wins, every time', async () => {
        for (let i = 0; i < 4; i++) {
          const e = await composed();
          const claims = await Promise.all([
            store.claimAttempt(e.id, at(T0)),
            other.claimAttempt(e.id, at(T0)),
          ]);
          expect(claims.filter(Boolean)).to.have.length(1);
          expect((await other.get(e.id))?.attempts).to.equal(1);
        }
      });

      it('both releasing one interrupted attempt: one releases, and the claim made after it stands', async () => {
        const e = await composed();
        await store.claimAttempt(e.id, at(T0));
        const later = at('2026-11-30T10:03:00.000Z');
        const released = await Promise.all([
          store.releaseInterrupted(e.id, T0, later),
          other.releaseInterrupted(e.id, T0, later),
        ]);
        expect(released.filter(Boolean)).to.have.length(1);
        expect(await other.claimAttempt(e.id, later)).to.equal(true);
        // A late release by the one that listed it before must not undo the new claim.
        expect(await store.releaseInterrupted(e.id, T0, later)).to.equal(false);
        expect(await store.get(e.id)).to.deep.include({ inFlightSince: later.toISOString(), attempts: 2 });
      });

      it('both taking one owed notice: one sends it', async () => {
        const e = await composed();
        await store.setUserOwedNotice(e.id, true);
        await store.claimAttempt(e.id, at(T0));
        await store.markSent(e.id, at(T0));
        const taken = await Promise.all([store.takeUserNotice(e.id), other.takeUserNotice(e.id)]);
        expect(taken.filter(Boolean)).to.have.length(1);
      });

      it('both claiming one channel copy: one posts', async () => {
        const e = await composed();
        await store.claimAttempt(e.id, at(T0));
        await store.markSent(e.id, at(T0));
        const claims = await Promise.all([
          store.claimChannelCopy(e.id, at(T0), at('2026-11-30T09:58:00.000Z')),
          other.claimChannelCopy(e.id, at(T0), at('2026-11-30T09:58:00.000Z')),
        ]);
        expect(claims.filter(Boolean)).to.have.length(1);
      });
    });
  });
}
