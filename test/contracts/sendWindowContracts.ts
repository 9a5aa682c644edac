/**
 * What every table of the app's Teams send budget must do, in memory, in SQLite and in Azure Tables (Azurite):
 * two processes taking tickets from one storage never hold more than the limit between them, the campaign
 * leaves the pupils' reserve, an answer frees its ticket a window later (not sooner), an answer for a ticket
 * taken over since changes nothing, and a pause holds everyone.
 */
import { expect } from 'chai';
import { DEFAULT_SEND_RULE, type SendKind } from '../../src/domain/sending/sendTickets';
import type { SendWindow, TakeResult, TakenTicket } from '../../src/ports/sendWindow';

const RULE = DEFAULT_SEND_RULE;
/** A realistic clock (ms since the epoch), so that the stored times are as large as in production. */
const T0 = Date.parse('2026-12-01T10:00:00.000Z');

export interface SendWindowPlace {
  /** One more process's window on this storage. */
  open(limit: number): Promise<SendWindow>;
  /** What the backend adds to the rule's window (Azure: the margin for the instances' clocks). */
  marginMs: number;
  close(): Promise<void>;
}

const granted = (result: TakeResult): TakenTicket => {
  if (!('ticket' in result)) throw new Error(`no ticket: ${JSON.stringify(result)}`);
  return result.ticket;
};

/**
 * Two processes on `place` take tickets at once, step by step, answering the oldest request 100 ms later: at no
 * moment do they hold more than the limit between them (a ticket counts until a window after its answer).
 */
export async function neverMoreThanTheLimit(place: SendWindowPlace): Promise<void> {
  const limit = 5;
  const windowMs = RULE.windowMs + place.marginMs;
  const [bot, cli] = [await place.open(limit), await place.open(limit)];
  const kinds: SendKind[] = ['reply', 'followUp', 'campaign'];
  /** Every ticket given, with when its request was answered (the checks below count with these). */
  const given: { grantedAt: number; answeredAt?: number; ticket: TakenTicket; by: SendWindow }[] = [];
  const holding = (at: number) =>
    given.filter((g) => g.grantedAt <= at && (g.answeredAt === undefined || g.answeredAt + windowMs > at))
      .length;
  for (let step = 0; step < 40; step++) {
    const now = T0 + step * 150;
    // Both processes ask at once, three requests each.
    const asks = [bot, cli].flatMap((w, p) =>
      [0, 1, 2].map((i) =>
        w.take(kinds[(step + i + p) % 3]!, p === 0 ? 'bot' : 'cli', now, RULE).then((r) => ({ r, w })),
      ),
    );
    for (const { r, w } of await Promise.all(asks)) {
      if ('ticket' in r) given.push({ grantedAt: now, ticket: r.ticket, by: w });
    }
    expect(holding(now), `tickets held at step ${step}`).to.be.at.most(limit);
    // The oldest request still in flight is answered 100 ms later.
    const oldest = given.find((g) => g.answeredAt === undefined);
    if (oldest) {
      oldest.answeredAt = now + 100;
      await oldest.by.answer(oldest.ticket, now + 100);
    }
  }
  // Enough went through that the limit, not the asking, was what held them back.
  expect(given.length).to.be.above(limit * 2);
}

export function describeSendWindowContracts(backend: string, newPlace: () => Promise<SendWindowPlace>): void {
  describe(`send budget table contract: ${backend}`, () => {
    let place: SendWindowPlace;
    beforeEach(async () => {
      place = await newPlace();
    });
    afterEach(() => place.close());

    it('two processes on one storage never hold more than the limit between them, however they interleave', () =>
      neverMoreThanTheLimit(place));

    it("the campaign in one process leaves the reserve for the other's pupils, and their replies raise it", async () => {
      const [bot, cli] = [await place.open(6), await place.open(6)];
      const campaign: TakenTicket[] = [];
      for (
        let t = await cli.take('campaign', 'cli', T0, RULE);
        'ticket' in t;
        t = await cli.take('campaign', 'cli', T0, RULE)
      ) {
        campaign.push(t.ticket);
      }
      // One ticket kept while nobody talks, and the bot's pupil takes it.
      expect(campaign).to.have.length(5);
      const reply = granted(await bot.take('reply', 'bot', T0, RULE));
      for (const ticket of campaign) await cli.answer(ticket, T0 + 5);
      await bot.answer(reply, T0 + 5);
      // A window later the reply's pressure (1 a second, faded) keeps 1 + ceil(1.5 × 0.49) = 2 free.
      const later = T0 + 5 + RULE.windowMs + place.marginMs;
      let taken = 0;
      while ('ticket' in (await cli.take('campaign', 'cli', later, RULE))) taken++;
      expect(taken).to.equal(4);
    });

    it('an answer frees its ticket for the other process a window later, and not before', async () => {
      const windowMs = RULE.windowMs + place.marginMs;
      const [bot, cli] = [await place.open(2), await place.open(2)];
      const first = granted(await cli.take('reply', 'cli', T0, RULE));
      granted(await bot.take('reply', 'bot', T0, RULE));
      // Full: both in flight, free at the cap at the latest.
      expect(await bot.take('reply', 'bot', T0 + 10, RULE)).to.deep.equal({
        waitMs: RULE.answerCapMs - 10,
        inFlight: true,
      });
      await cli.answer(first, T0 + 20);
      expect(await bot.take('reply', 'bot', T0 + 20, RULE)).to.deep.equal({
        waitMs: windowMs,
        inFlight: false,
      });
      expect(await bot.take('reply', 'bot', T0 + 19 + windowMs, RULE)).to.deep.equal({
        waitMs: 1,
        inFlight: false,
      });
      expect(await bot.take('reply', 'bot', T0 + 20 + windowMs, RULE)).to.have.property('ticket');
    });

    it('an answer for a ticket taken over since (its request outlived the cap) changes nothing', async () => {
      const [bot, cli] = [await place.open(1), await place.open(1)];
      const hung = granted(await cli.take('followUp', 'cli', T0, RULE));
      // The cap passes with no answer: the bot takes the ticket over.
      const later = T0 + RULE.answerCapMs;
      granted(await bot.take('reply', 'bot', later, RULE));
      // The hung request finally answers: the bot's request is still in flight, its ticket still held.
      await cli.answer(hung, later + 10);
      expect(await cli.take('reply', 'cli', later + 20 + RULE.windowMs + place.marginMs, RULE)).to.deep.equal(
        {
          waitMs: RULE.answerCapMs - 20 - RULE.windowMs - place.marginMs,
          inFlight: true,
        },
      );
    });

    it("a pause (Teams' Retry-After) holds every process until it ends, and a shorter one does not cut it", async () => {
      const [bot, cli] = [await place.open(3), await place.open(3)];
      await cli.pauseUntil(T0 + 2000);
      await bot.pauseUntil(T0 + 1000);
      expect(await bot.take('reply', 'bot', T0 + 100, RULE)).to.deep.equal({ waitMs: 1900, inFlight: false });
      expect(await cli.take('campaign', 'cli', T0 + 1999, RULE)).to.deep.equal({
        waitMs: 1,
        inFlight: false,
      });
      expect(await bot.take('reply', 'bot', T0 + 2000, RULE)).to.have.property('ticket');
    });
  });
}
