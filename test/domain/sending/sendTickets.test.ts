import { expect } from 'chai';
import fc from 'fast-check';
import { decideSend, type SendKind, type SendWindowState } from '../../../src/domain/sending/sendTickets';
import { TEAMS_LIMITS } from '../../support/connectorStandIn';

/** Teams' app limit, as the connector stand-in enforces it. */
const { limit: LIMIT, windowMs: TEAMS_WINDOW_MS } = TEAMS_LIMITS.app;

interface Timing {
  /** Each request's round trip (ms), used in turn. */
  roundTrips: number[];
  /** Where in its round trip each request arrives at Teams (0: as it leaves, 1: as its answer comes back). */
  arrivals: number[];
  /** How late the process reads each answer (ms); 0 is the worst case for the rule. */
  readLate: number[];
  /** Milliseconds between pupils' replies, used in turn. */
  replyGaps: number[];
  /** How far Teams' clock is ahead of the process's (ms): its whole milliseconds start elsewhere. */
  teamsClockAhead: number;
}

/**
 * A campaign that always has a nudge ready and pupils replying, served by the pure rule alone, as fast as it
 * allows: every look comes at the first whole millisecond the rule names (the process's clock reads whole
 * milliseconds, `Date.now`). Returns the real times the requests arrived at Teams.
 */
function simulate(timing: Timing, runMs: number): number[] {
  const state: SendWindowState = {
    tickets: Array.from({ length: LIMIT }, () => ({})),
    pressure: { value: 0, at: 0 },
    pausedUntil: 0,
  };
  const arrived: number[] = [];
  const answers: { index: number; grantedAt: number; readAt: number }[] = [];
  let sent = 0;
  let nextReply = timing.replyGaps[0]!;
  let replies = 0;
  let t = 0;
  while (t < runMs) {
    const now = Math.floor(t);
    // Answers read by now.
    for (let i = answers.length - 1; i >= 0; i--) {
      const answer = answers[i]!;
      if (answer.readAt > t) continue;
      const ticket = state.tickets[answer.index]!;
      if (ticket.grantedAt === answer.grantedAt && ticket.answeredAt === undefined)
        ticket.answeredAt = Math.floor(answer.readAt);
      answers.splice(i, 1);
    }
    const kind: SendKind = t >= nextReply ? 'reply' : 'campaign';
    const decision = decideSend(state, kind, now);
    if ('take' in decision) {
      const n = sent++;
      const roundTrip = timing.roundTrips[n % timing.roundTrips.length]!;
      state.tickets[decision.take] = { grantedAt: now, kind };
      state.pressure = decision.pressure;
      arrived.push(t + roundTrip * timing.arrivals[n % timing.arrivals.length]!);
      answers.push({
        index: decision.take,
        grantedAt: now,
        readAt: t + roundTrip + timing.readLate[n % timing.readLate.length]!,
      });
      if (kind === 'reply') nextReply = t + timing.replyGaps[++replies % timing.replyGaps.length]!;
      continue;
    }
    // Look again at the first moment anything can change: the whole millisecond the rule names, an answer
    // read, or the next reply.
    const candidates = [nextReply, ...answers.map((a) => a.readAt)];
    if (!decision.inFlight) candidates.push(now + decision.waitMs);
    t = Math.max(t + 1e-6, Math.min(...candidates.filter((c) => c > t)));
  }
  return arrived;
}

/**
 * The most arrivals in any window of `windowMs` counted with both ends, as Teams would count them on its own clock
 * in whole milliseconds.
 */
function mostInAnyWindow(arrivals: number[], windowMs: number, teamsClockAhead: number): number {
  const stamps = arrivals.map((at) => Math.floor(at + teamsClockAhead)).sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < stamps.length; last++) {
    while (stamps[last]! - stamps[first]! > windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('Send tickets: the rule alone never lets more than the limit arrive at Teams in any second', () => {
  const timing = fc.record({
    // Mostly fast answers (the worst case: a ticket comes back soonest), sometimes slow ones.
    roundTrips: fc.array(
      fc.oneof(fc.double({ min: 0.01, max: 3, noNaN: true }), fc.double({ min: 3, max: 60, noNaN: true })),
      { minLength: 1, maxLength: 60 },
    ),
    arrivals: fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })), {
      minLength: 1,
      maxLength: 60,
    }),
    readLate: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2, noNaN: true })), {
      minLength: 1,
      maxLength: 20,
    }),
    replyGaps: fc.array(fc.double({ min: 1, max: 400, noNaN: true }), { minLength: 1, maxLength: 20 }),
    teamsClockAhead: fc.double({ min: 0, max: 0.999, noNaN: true }),
  });

  it('whatever the round trips, wherever in them the requests arrive, and however pupils reply: at most 50 in any 1,000 ms, both ends counted', () => {
    fc.assert(
      fc.property(
        timing,
        (t) => mostInAnyWindow(simulate(t, 4000), TEAMS_WINDOW_MS, t.teamsClockAhead) <= LIMIT,
      ),
      { numRuns: 200, seed: 20261203 },
    );
  });

  it('and the campaign still uses nearly all of it: with answers of 1 ms it sends 49 a window of about a second', () => {
    const arrived = simulate(
      { roundTrips: [1], arrivals: [0.5], readLate: [0], replyGaps: [1e9], teamsClockAhead: 0 },
      10_000,
    );
    // 49 tickets (one kept for pupils), each used once per window plus its round trip.
    const perSecond = arrived.length / 10;
    expect(perSecond).to.be.within(48.5, 49.2);
  });
});
