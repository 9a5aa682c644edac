import { expect } from 'chai';
import type { AdaptiveCardJson } from '../../src/cards/cardTemplates';
import { loadConfig } from '../../src/config/env';
import { createLogger } from '../../src/logging/logger';
import type { ConversationReferenceStore } from '../../src/ports/conversationReferenceStore';
import type { SendOutcome } from '../../src/ports/messenger';
import type { SendKind } from '../../src/domain/sending/sendTickets';
import type { SendWindow } from '../../src/ports/sendWindow';
import { MemorySendWindow } from '../../src/sending/memorySendWindow';
import { SendBudget } from '../../src/sending/sendBudget';
import { createBotAdapter } from '../../src/teams/botAdapter';
import { BotMessenger } from '../../src/teams/botMessenger';
import { ConnectorStandIn } from '../support/connectorStandIn';
import type { Fault } from '../support/standInServer';

const USER = '6d000000-0000-4000-8000-000000000001';
const CARD: AdaptiveCardJson = {
  type: 'AdaptiveCard',
  version: '1.2',
  body: [{ type: 'TextBlock', text: 'Hi', wrap: true }],
};

/** An adapter, and a promise kept when its first turn has ended (however it ended). */
function adapterTellingTurnsEnd() {
  const adapter = createBotAdapter(loadConfig({}), createLogger('silent'));
  let turnEnded!: () => void;
  const ended = new Promise<void>((resolve) => (turnEnded = resolve));
  adapter.use(async (_context, next) => {
    try {
      await next();
    } finally {
      turnEnded();
    }
  });
  return { adapter, ended };
}

/** Teams' error body for a refused send. */
const teamsError = (code: string, message = code) => ({ error: { code, message } });

/**
 * The messenger against a connector over real HTTP that answers each send the way Teams does, so the
 * campaign's ledger and the status follow-ups learn the right outcome: sent, throttled, gone (with why), or failed.
 */
describe('proactive sends: what each answer from Teams becomes', () => {
  let connector: ConnectorStandIn;
  let messenger: BotMessenger;
  let stored: ConversationReferenceStore;

  beforeEach(async () => {
    connector = await ConnectorStandIn.start();
    const log = createLogger('silent');
    stored = {
      save: () => Promise.resolve(),
      remove: () => Promise.resolve(),
      get: () =>
        Promise.resolve({
          userId: USER,
          serviceUrl: connector.serviceUrl,
          updatedAt: new Date().toISOString(),
          reference: {
            channelId: 'msteams',
            serviceUrl: connector.serviceUrl,
            conversation: { id: 'a:personal-chat', conversationType: 'personal', isGroup: false, name: '' },
            bot: { id: '28:bot', name: '' },
            user: { id: '29:user', aadObjectId: USER, name: '' },
          },
        }),
    } as unknown as ConversationReferenceStore;
    messenger = new BotMessenger({
      adapter: createBotAdapter(loadConfig({}), log),
      references: stored,
      botAppId: '',
      log,
      timeoutMs: 5000,
    });
  });

  afterEach(() => connector.server.close());

  /** A messenger on `adapter` (a fresh one by default) with the stored chat, giving each send `timeoutMs`. */
  function messengerOn(
    adapter = createBotAdapter(loadConfig({}), createLogger('silent')),
    timeoutMs = 5000,
  ): BotMessenger {
    return new BotMessenger({
      adapter,
      references: stored,
      botAppId: '',
      log: createLogger('silent'),
      timeoutMs,
    });
  }

  async function send(fault?: Fault): Promise<SendOutcome> {
    // A proactive message goes to /activities/<id> (botbuilder gives the turn an id to reply to).
    if (fault) connector.server.failNext(fault, { method: 'POST', path: /\/activities(\/[^/]+)?$/ });
    return messenger.sendToUser(USER, [CARD]);
  }

  describe('replacing the card of an earlier message', () => {
    const DONE: AdaptiveCardJson = { ...CARD, body: [{ type: 'TextBlock', text: 'Done', wrap: true }] };

    it('puts the new card on the same message, at the pace the caller gives, and answers with its id', async () => {
      await send();
      let paced = 0;
      let answered = 0;
      const pace = () => {
        paced += 1;
        return Promise.resolve(() => void (answered += 1));
      };
      expect(await messenger.updateCard(USER, 'reply-1', DONE, { pace })).to.deep.equal({
        kind: 'sent',
        activityIds: ['reply-1'],
      });
      expect(
        connector.updated.map((u) => [
          u.conversationId,
          u.activityId,
          u.activity.attachments?.[0]?.content as unknown,
        ]),
      ).to.deep.equal([['a:personal-chat', 'reply-1', DONE]]);
      expect([paced, answered, connector.total]).to.deep.equal([1, 1, 1]);
    });

    it('a message that is not there (deleted, or another chat) is gone: NotFound', async () => {
      expect(await messenger.updateCard(USER, 'reply-9', DONE)).to.deep.equal({
        kind: 'gone',
        reason: 'NotFound',
        status: 404,
      });
      expect(connector.updated).to.deep.equal([]);
    });
  });

  it('a 201 is sent, with the id Teams gave the message', async () => {
    expect(await send()).to.deep.equal({ kind: 'sent', activityIds: ['reply-1'] });
    expect(connector.activitiesIn('a:personal-chat')).to.have.length(1);
  });

  for (const code of ['ConversationBlockedByUser', 'MessageWritesBlocked', 'BotDisabledByAdmin']) {
    it(`a 403 ${code} is gone for that reason, not a failure to retry`, async () => {
      expect(await send({ kind: 'status', status: 403, body: teamsError(code) })).to.deep.equal({
        kind: 'gone',
        reason: code,
        status: 403,
      });
    });
  }

  it('a 403 with any other code is gone as Forbidden', async () => {
    expect(
      await send({ kind: 'status', status: 403, body: teamsError('Forbidden', 'not allowed') }),
    ).to.deep.equal({ kind: 'gone', reason: 'Forbidden', status: 403 });
  });

  it('a 404 (the app was uninstalled, the chat is gone) is gone as NotFound', async () => {
    expect(
      await send({ kind: 'status', status: 404, body: teamsError('ConversationNotFound') }),
    ).to.deep.equal({ kind: 'gone', reason: 'NotFound', status: 404 });
  });

  it("a 429 Teams keeps answering is throttled, carrying the Retry-After, after the client's own retries", async () => {
    connector.server.failNext(
      { kind: 'status', status: 429, retryAfterSeconds: 1, body: teamsError('Throttled') },
      { method: 'POST', path: /\/activities(\/[^/]+)?$/, times: 10 },
    );
    expect(await messenger.sendToUser(USER, [CARD])).to.deep.equal({ kind: 'throttled', retryAfterMs: 1000 });
    // botbuilder's connector client retries a 429 three times on its own before the messenger sees it.
    expect(connector.server.requestsTo(/activities/)).to.have.length(4);
  });

  it('a single 429 is retried by the connector client after its Retry-After, and the message is sent', async () => {
    connector.server.failNext(
      { kind: 'status', status: 429, retryAfterSeconds: 1, body: teamsError('Throttled') },
      { method: 'POST', path: /\/activities(\/[^/]+)?$/ },
    );
    const started = Date.now();
    expect(await messenger.sendToUser(USER, [CARD])).to.deep.equal({
      kind: 'sent',
      activityIds: ['reply-1'],
    });
    expect(connector.server.requestsTo(/activities/).map((r) => r.status)).to.deep.equal([429, 201]);
    expect(Date.now() - started).to.be.at.least(1000);
  });

  describe("in the app's send budget", () => {
    /** The kinds of the tickets taken, in order. */
    let kinds: SendKind[];
    let budget: SendBudget;

    beforeEach(() => {
      kinds = [];
      const tickets = new MemorySendWindow(10);
      const recording: SendWindow = {
        limit: 10,
        take: (kind, holder, now, rule) => {
          kinds.push(kind);
          return tickets.take(kind, holder, now, rule);
        },
        answer: (ticket, now) => tickets.answer(ticket, now),
        pauseUntil: (until) => tickets.pauseUntil(until),
        close: () => tickets.close(),
      };
      const log = createLogger('silent');
      budget = new SendBudget(recording, { log, holder: 'test' });
      messenger = new BotMessenger({
        adapter: createBotAdapter(loadConfig({}), log, undefined, budget),
        references: stored,
        botAppId: '',
        log,
        timeoutMs: 5000,
      });
    });
    afterEach(() => budget.close());

    it('every request takes a ticket as what it is: a proactive send is a follow-up, a campaign send says so', async () => {
      expect((await messenger.sendToUser(USER, [CARD])).kind).to.equal('sent');
      const noteOnWire = () => Promise.resolve(true);
      expect((await messenger.sendToUser(USER, [CARD], { kind: 'campaign', noteOnWire })).kind).to.equal(
        'sent',
      );
      expect(kinds).to.deep.equal(['followUp', 'campaign']);
      expect(budget.stats.granted).to.deep.equal({ reply: 0, followUp: 1, campaign: 1 });
    });

    it('a 429 is counted against the kind that met it, and its retry takes a ticket of its own', async () => {
      connector.server.failNext(
        { kind: 'status', status: 429, retryAfterSeconds: 1, body: teamsError('Throttled') },
        { method: 'POST', path: /\/activities(\/[^/]+)?$/ },
      );
      expect((await messenger.sendToUser(USER, [CARD])).kind).to.equal('sent');
      expect(kinds).to.deep.equal(['followUp', 'followUp']);
      expect(budget.stats.throttled).to.deep.equal({ reply: 0, followUp: 1, campaign: 0 });
    });
  });

  it('a 500 Teams keeps answering is a failure (to try again later) with its status and code', async function () {
    // The connector client backs off between its own three retries: give the send the bot's real limit.
    this.timeout(30_000);
    connector.server.failNext(
      { kind: 'status', status: 500, body: teamsError('InternalError', 'boom') },
      { method: 'POST', path: /\/activities(\/[^/]+)?$/, times: 10 },
    );
    const patient = messengerOn(undefined, 25_000);
    expect(await patient.sendToUser(USER, [CARD])).to.deep.equal({
      kind: 'failed',
      status: 500,
      error: 'InternalError: boom',
    });
    expect(connector.server.requestsTo(/activities/)).to.have.length(4);
    expect(connector.received).to.have.length(0);
  });

  it("a send given up at its timeout sends none of the connector client's own retries", async function () {
    this.timeout(30_000);
    connector.server.failNext(
      { kind: 'status', status: 500, body: teamsError('InternalError', 'boom') },
      { method: 'POST', path: /\/activities(\/[^/]+)?$/, times: 10 },
    );
    const { adapter, ended } = adapterTellingTurnsEnd();
    const hasty = messengerOn(adapter, 300);
    expect(await hasty.sendToUser(USER, [CARD])).to.deep.equal({
      kind: 'failed',
      error: 'no answer within 300 ms',
      unanswered: true,
    });
    // The client backs off and tries again on its own; each try after the timeout must stay here.
    await ended;
    expect(connector.server.requestsTo(/activities/)).to.have.length(1);
  });

  describe('the on-the-wire note (what a campaign records before a crash can strike)', () => {
    it('is stored once, before the first request reaches the connector, even when the connector client retries', async () => {
      connector.server.failNext(
        { kind: 'status', status: 429, retryAfterSeconds: 1, body: teamsError('Throttled') },
        { method: 'POST', path: /\/activities(\/[^/]+)?$/ },
      );
      const atConnector: number[] = [];
      const outcome = await messenger.sendToUser(USER, [CARD], {
        noteOnWire: () => {
          atConnector.push(connector.server.requestsTo(/activities/).length);
          return Promise.resolve(true);
        },
      });
      expect(outcome).to.deep.equal({ kind: 'sent', activityIds: ['reply-1'] });
      expect(atConnector).to.deep.equal([0]);
      expect(connector.server.requestsTo(/activities/).map((r) => r.status)).to.deep.equal([429, 201]);
    });

    it('holds the request until the note is stored, however long storing takes', async () => {
      const whenStored: number[] = [];
      const outcome = await messenger.sendToUser(USER, [CARD], {
        noteOnWire: async () => {
          // A storage round trip: a real HTTP request of its own to the stand-in, answered before the note is.
          await fetch(`${connector.server.url}/storage-round-trip`).catch(() => undefined);
          await fetch(`${connector.server.url}/storage-round-trip`).catch(() => undefined);
          whenStored.push(connector.server.requestsTo(/activities/).length);
          return true;
        },
      });
      expect(outcome.kind).to.equal('sent');
      expect(whenStored).to.deep.equal([0]);
      expect(connector.activitiesIn('a:personal-chat')).to.have.length(1);
    });

    it('a note that cannot be stored does not stop the message', async () => {
      const outcome = await messenger.sendToUser(USER, [CARD], {
        noteOnWire: () => Promise.reject(new Error('storage is down')),
      });
      expect(outcome).to.deep.equal({ kind: 'sent', activityIds: ['reply-1'] });
      expect(connector.activitiesIn('a:personal-chat')).to.have.length(1);
    });

    it('a note that withdraws the send (the take is gone) lets nothing leave, and the send is failed', async () => {
      const outcome = await messenger.sendToUser(USER, [CARD], { noteOnWire: () => Promise.resolve(false) });
      expect(outcome.kind).to.equal('failed');
      expect(connector.server.requestsTo(/activities/)).to.have.length(0);
    });

    it('is not written when the send ends before its request (a turn refused by middleware)', async () => {
      const adapter = createBotAdapter(loadConfig({}), createLogger('silent'));
      adapter.use({
        onTurn: () => Promise.reject(new Error('refused before the send')),
      });
      const refusing = messengerOn(adapter);
      let notes = 0;
      const outcome = await refusing.sendToUser(USER, [CARD], {
        noteOnWire: () => {
          notes += 1;
          return Promise.resolve(true);
        },
      });
      expect(outcome.kind).to.equal('failed');
      expect(notes).to.equal(0);
      expect(connector.server.requestsTo(/activities/)).to.have.length(0);
    });

    it('a send given up at its timeout while its note is being stored never leaves', async () => {
      const { adapter, ended } = adapterTellingTurnsEnd();
      const hasty = messengerOn(adapter, 200);
      let store!: (ok: boolean) => void;
      const outcome = await hasty.sendToUser(USER, [CARD], {
        noteOnWire: () => new Promise<boolean>((resolve) => (store = resolve)),
      });
      expect(outcome).to.deep.equal({
        kind: 'failed',
        error: 'no answer within 200 ms',
        unanswered: true,
      });
      // The note is stored late; the proactive turn then runs to its end without sending.
      store(true);
      await ended;
      expect(connector.server.requestsTo(/activities/)).to.have.length(0);
    });
  });

  it('no stored chat is noConversation, and nothing is sent', async () => {
    const none = new BotMessenger({
      adapter: createBotAdapter(loadConfig({}), createLogger('silent')),
      references: { get: () => Promise.resolve(undefined) } as unknown as ConversationReferenceStore,
      botAppId: '',
      log: createLogger('silent'),
    });
    expect(await none.sendToUser(USER, [CARD])).to.deep.equal({ kind: 'noConversation' });
    expect(connector.received).to.have.length(0);
  });
});

/**
 * The same messenger against a connector that keeps Teams' state of each chat: the outcome follows from what
 * happened to the chat (the app uninstalled, the bot blocked), not from a canned answer.
 */
describe('proactive sends: what Teams answers after a chat changed', () => {
  const CHAT = 'a:personal-chat';
  let connector: ConnectorStandIn;
  let messenger: BotMessenger;

  beforeEach(async () => {
    connector = await ConnectorStandIn.start({ knownConversations: [CHAT] });
    const log = createLogger('silent');
    const reference = {
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      conversation: { id: CHAT, conversationType: 'personal', isGroup: false, name: '' },
      bot: { id: '28:bot', name: '' },
      user: { id: '29:user', aadObjectId: USER, name: '' },
    };
    messenger = new BotMessenger({
      adapter: createBotAdapter(loadConfig({}), log),
      references: {
        get: () =>
          Promise.resolve({
            userId: USER,
            serviceUrl: connector.serviceUrl,
            updatedAt: new Date().toISOString(),
            reference,
          }),
      } as unknown as ConversationReferenceStore,
      botAppId: '',
      log,
      timeoutMs: 5000,
    });
  });

  afterEach(() => connector.close());

  it('after the pupil uninstalls the app, Teams answers 404 ConversationNotFound and the send is gone as NotFound', async () => {
    expect(await messenger.sendToUser(USER, [CARD])).to.deep.equal({
      kind: 'sent',
      activityIds: ['reply-1'],
    });
    connector.removeConversation(CHAT);
    expect(await messenger.sendToUser(USER, [CARD])).to.deep.equal({
      kind: 'gone',
      reason: 'NotFound',
      status: 404,
    });
    const [, refused] = connector.server.requestsTo(/activities/);
    expect(refused!.status).to.equal(404);
    expect(connector.activitiesIn(CHAT)).to.have.length(1);
  });

  for (const code of ['ConversationBlockedByUser', 'MessageWritesBlocked', 'BotDisabledByAdmin'] as const) {
    it(`a chat Teams refuses with 403 ${code} is gone for that reason, tried once, and delivers again once lifted`, async () => {
      connector.block(CHAT, code);
      expect(await messenger.sendToUser(USER, [CARD])).to.deep.equal({
        kind: 'gone',
        reason: code,
        status: 403,
      });
      expect(connector.server.requestsTo(/activities/).map((r) => r.status)).to.deep.equal([403]);
      expect(connector.received).to.have.length(0);

      connector.unblock(CHAT);
      expect((await messenger.sendToUser(USER, [CARD])).kind).to.equal('sent');
      expect(connector.activitiesIn(CHAT)).to.have.length(1);
    });
  }
});
