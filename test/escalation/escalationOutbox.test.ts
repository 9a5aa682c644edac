/**
 * The outbox with several instances on one store (`instances: 'several'`, as on Azure): two outboxes share
 * one database through two connections, with a settable clock. The store's behaviour itself is in the
 * contract tests; this is what the outbox makes of it.
 */
import { expect } from 'chai';
import type { Stores } from '../../src/adapters/storage';
import type { OutgoingMail } from '../../src/domain/escalation/escalationMail';
import { EscalationOutbox, type OutboxOptions } from '../../src/escalation/escalationOutbox';
import { createLogger } from '../../src/logging/logger';
import type { ChannelPoster } from '../../src/ports/channelPoster';
import type { Escalation } from '../../src/ports/escalationStore';
import { TestClock } from '../support/conversationHarness';
import { RecordingMailer } from '../support/recordingMailer';
import { RecordingMessenger } from '../support/recordingMessenger';
import { sqlitePlace, type StoragePlace } from '../support/storagePlaces';
import { until } from '../support/until';

const USER = '5a000000-0000-4000-8000-000000000001';
const NEVER = new Promise<void>(() => undefined);

describe('Escalation outbox: several instances on one store', () => {
  let place: StoragePlace;
  let clock: TestClock;
  let mailer: RecordingMailer;
  let posts: string[];
  let composed: number;
  const outboxes: EscalationOutbox[] = [];

  beforeEach(async () => {
    place = await sqlitePlace();
    clock = new TestClock(new Date('2026-11-30T10:00:00.000Z'));
    mailer = new RecordingMailer();
    posts = [];
    composed = 0;
  });
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop(0)));
    await place.close();
  });

  const poster: ChannelPoster = {
    post: (_target, card) => {
      posts.push(JSON.stringify(card));
      return Promise.resolve({ kind: 'sent', activityIds: ['1'] });
    },
  };

  /** One instance: its own connection to the store, sharing the mailer (the one mailbox) and the clock. */
  async function instance(
    options: OutboxOptions = {},
    ownMailer = mailer,
    /** Composing fails until the outbox composes without the directory. */
    composeFails = false,
  ): Promise<{ stores: Stores; outbox: EscalationOutbox; messenger: RecordingMessenger }> {
    const stores = await place.open();
    const messenger = new RecordingMessenger();
    const outbox = new EscalationOutbox({
      store: stores.escalations,
      mailer: ownMailer,
      // Each compose differs (as a registration snapshot read at another moment would).
      compose: (e: Escalation, { degraded }): Promise<OutgoingMail> =>
        composeFails && !degraded
          ? Promise.reject(new Error(`directory down (compose #${++composed})`))
          : Promise.resolve({
              sender: 'desk@school.example',
              to: 'desk@school.example',
              subject: `[${e.reference}] MFA help`,
              html: `<p>compose #${++composed}</p>`,
              internetMessageId: `<${e.id}@school.example>`,
              headers: [],
            }),
      messenger,
      cards: {
        delivered: () => ({ type: 'AdaptiveCard', version: '1.2' }),
        failed: () => ({ type: 'AdaptiveCard', version: '1.2' }),
        channelCopy: (e) => ({
          type: 'AdaptiveCard',
          version: '1.2',
          body: [{ type: 'TextBlock', text: e.reference }],
        }),
      },
      clock,
      log: createLogger('silent'),
      channel: {
        poster,
        target: () => Promise.resolve({ teamId: 't', channelId: 'c', serviceUrl: 'https://smba.example/' }),
      },
      options: { instances: 'several', baseBackoffMs: 20, ...options },
    });
    outboxes.push(outbox);
    return { stores, outbox, messenger };
  }

  async function escalate(stores: Stores): Promise<Escalation> {
    const result = await stores.escalations.create(
      {
        id: '00000000-0000-4000-8000-000000000001',
        userId: USER,
        formId: 'form-1',
        category: 'other',
        way: 'walkIn',
        step: 'welcome',
        createdAt: clock.now().toISOString(),
        localDate: '2026-11-30',
        channelCopy: 'owed',
      },
      3,
      () => 'MFA-7K2Q',
    );
    return (result as { escalation: Escalation }).escalation;
  }

  it('both find it due at once: one mail per attempt, always the mail composed first, and one channel copy', async () => {
    const a = await instance();
    const b = await instance();
    const e = await escalate(a.stores);
    mailer.outcomes = [{ kind: 'retry', status: 503, retryAfterMs: 1000 }];
    a.outbox.kick();
    b.outbox.kick();
    await Promise.all([a.outbox.idle(), b.outbox.idle()]);
    expect(mailer.attempts).to.have.length(1);
    clock.advance(1000);
    a.outbox.kick();
    b.outbox.kick();
    await Promise.all([a.outbox.idle(), b.outbox.idle()]);
    expect(mailer.attempts).to.have.length(2);
    expect(mailer.accepted).to.have.length(1);
    // Both may have composed; every attempt sends the one stored.
    expect(new Set(mailer.attempts.map((m) => m.html)).size).to.equal(1);
    expect((await b.stores.escalations.get(e.id))?.state).to.equal('sent');
    a.outbox.kick();
    b.outbox.kick();
    await Promise.all([a.outbox.idle(), b.outbox.idle()]);
    expect(posts).to.have.length(1);
    expect((await a.stores.escalations.get(e.id))?.channelCopy).to.equal('posted');
  });

  it('an urgent request (a sign-in the user did not start) is mailed before older ones waiting with it', async () => {
    const a = await instance({ concurrency: 1 });
    // More waiting than one pass fetches (concurrency × 2): the urgent one must still go first.
    for (const [n, category] of [
      [1, 'other'],
      [2, 'other'],
      [3, 'other'],
      [4, 'signInNotMe'],
    ] as const) {
      await a.stores.escalations.create(
        {
          id: `00000000-0000-4000-8000-00000000000${n}`,
          userId: USER,
          formId: `form-${n}`,
          category,
          way: 'walkIn',
          step: 'welcome',
          createdAt: new Date(clock.now().getTime() - 10 + n).toISOString(),
          localDate: '2026-11-30',
          channelCopy: 'none',
        },
        10,
        () => `MFA-000${n}`,
      );
    }
    a.outbox.kick();
    await a.outbox.idle();
    expect(mailer.accepted.map((m) => m.subject)).to.deep.equal([
      '[MFA-0004] MFA help',
      '[MFA-0001] MFA help',
      '[MFA-0002] MFA help',
      '[MFA-0003] MFA help',
    ]);
  });

  /** One outbox pass at the current clock, finished. */
  async function pass(outbox: EscalationOutbox): Promise<void> {
    outbox.kick();
    await outbox.idle();
  }

  it('a "walk in" notice Teams throttled (429) reaches the user on a later pass, once, and is no longer owed', async () => {
    const a = await instance();
    const e = await escalate(a.stores);
    // The turn answered "on its way", so the user is owed the outcome.
    await a.stores.escalations.setUserOwedNotice(e.id, true);
    mailer.outcomes = [{ kind: 'rejected', status: 403, code: 'ErrorAccessDenied' }];
    a.messenger.outcomes = [{ kind: 'throttled', retryAfterMs: 5000 }];
    await pass(a.outbox);
    expect((await a.stores.escalations.get(e.id))?.state).to.equal('failed');
    expect(a.messenger.sent).to.have.length(0);
    expect((await a.stores.escalations.get(e.id))?.userOwedNotice).to.equal(true);
    // Not before Retry-After.
    await pass(a.outbox);
    expect(a.messenger.sent).to.have.length(0);
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      await pass(a.outbox);
    }
    expect(a.messenger.to(USER)).to.have.length(1);
    expect((await a.stores.escalations.get(e.id))?.userOwedNotice).to.equal(false);
    expect(mailer.attempts).to.have.length(1);
  });

  it('a notice whose send threw (storage unreachable reading the chat) is put back and sent on a later pass', async () => {
    const a = await instance();
    const e = await escalate(a.stores);
    await a.stores.escalations.setUserOwedNotice(e.id, true);
    const send = a.messenger.sendToUser.bind(a.messenger);
    let throws = 1;
    a.messenger.sendToUser = (...args) =>
      throws-- > 0 ? Promise.reject(new Error('table storage unreachable')) : send(...args);
    await pass(a.outbox);
    expect(mailer.accepted).to.have.length(1);
    expect(a.messenger.sent).to.have.length(0);
    expect((await a.stores.escalations.get(e.id))?.userOwedNotice).to.equal(true);
    clock.advance(60_000);
    await pass(a.outbox);
    expect(a.messenger.to(USER)).to.have.length(1);
    expect((await a.stores.escalations.get(e.id))?.userOwedNotice).to.equal(false);
  });

  it('a notice still owed when the process stopped is sent by the next one, once', async () => {
    const a = await instance();
    const e = await escalate(a.stores);
    await a.stores.escalations.setUserOwedNotice(e.id, true);
    a.messenger.outcomes = [{ kind: 'failed', status: 502, error: 'Bad Gateway' }];
    await pass(a.outbox);
    expect(mailer.accepted).to.have.length(1);
    expect(a.messenger.sent).to.have.length(0);
    await a.outbox.stop(0);
    const b = await instance();
    await b.outbox.start();
    await b.outbox.idle();
    await pass(b.outbox);
    expect(b.messenger.to(USER)).to.have.length(1);
    expect((await b.stores.escalations.get(e.id))?.userOwedNotice).to.equal(false);
  });

  it('the directory down: composing is tried a handful of times in a minute, not every second', async () => {
    const a = await instance({ baseBackoffMs: 2000 }, mailer, true);
    const e = await escalate(a.stores);
    for (let elapsed = 0; elapsed <= 60_000; elapsed += 250) {
      await pass(a.outbox);
      clock.advance(250);
    }
    expect(composed).to.be.within(4, 12);
    expect(mailer.attempts).to.have.length(0);
    expect((await a.stores.escalations.get(e.id))?.state).to.equal('queued');
    // Rarer and rarer, yet the mail still goes without the directory soon after 10 minutes.
    for (let elapsed = 60_000; elapsed <= 10.5 * 60_000; elapsed += 5000) {
      await pass(a.outbox);
      clock.advance(5000);
    }
    expect(composed).to.be.below(20);
    expect(mailer.accepted).to.have.length(1);
  });

  it('a starting instance leaves a live send alone; a send abandoned by a dead instance is taken over', async () => {
    const hanging = new RecordingMailer();
    hanging.gate = NEVER;
    const a = await instance({}, hanging);
    const e = await escalate(a.stores);
    await a.outbox.start();
    await until(() => hanging.attempts.length > 0, { what: "A's first attempt" });
    expect((await a.stores.escalations.get(e.id))?.inFlightSince).to.be.a('string');

    // B starts while A is sending: nothing is released, nothing sent twice.
    clock.advance(10_000);
    const b = await instance({ abandonedAfterMs: 90_000 });
    await b.outbox.start();
    await b.outbox.idle();
    expect(mailer.attempts).to.have.length(0);

    // A dies mid-request. Once the attempt is older than any live send, B (still running) resends it.
    await a.outbox.stop(0);
    clock.advance(81_000);
    b.outbox.kick();
    await b.outbox.idle();
    expect(mailer.accepted).to.have.length(1);
    expect(mailer.accepted[0]!.internetMessageId).to.equal(hanging.attempts[0]!.internetMessageId);
    expect(mailer.accepted[0]!.html).to.equal(hanging.attempts[0]!.html);
    expect(await b.stores.escalations.get(e.id)).to.deep.include({ state: 'sent', attempts: 2 });
  });

  it('one instance alone (SQLite) still resends at once what the last stop cut off', async () => {
    const hanging = new RecordingMailer();
    hanging.gate = NEVER;
    const a = await instance({ instances: 'one' }, hanging);
    await escalate(a.stores);
    a.outbox.kick();
    await until(() => hanging.attempts.length > 0, { what: 'the first attempt' });
    await a.outbox.stop(0);
    const restarted = await instance({ instances: 'one' });
    await restarted.outbox.start();
    await restarted.outbox.idle();
    expect(mailer.accepted).to.have.length(1);
  });
});
