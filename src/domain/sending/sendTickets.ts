/**
 * One Teams budget for everything the app sends, pupils first. Teams counts ARRIVALS: 50 requests per app per
 * second, whoever sends them. The budget is `limit` tickets; a request holds one from its start until a window
 * after its answer (a request arrives somewhere between the two), so no `limit + 1` requests can arrive within
 * one window however the network bunches them. Every process that sends for the app takes its tickets from the
 * same table, so together they stay inside the limit.
 *
 * Pupils first: a reply (or a follow-up a pupil is waiting for) may take any free ticket. The campaign takes a
 * ticket only while more than a reserve stays free, and the reserve follows the pupils: one ticket when nobody
 * is talking, growing with the replies of the last second (the "pressure", which fades by half every second
 * once they stop), so a reply finds a ticket free at once and the campaign takes the budget back within
 * seconds of the last reply. No I/O here: the stores hold the state and apply this rule atomically.
 */

/** Who a request is for: a pupil in a conversation, a pupil waiting for a result, or the campaign. */
export type SendKind = 'reply' | 'followUp' | 'campaign';

/** The order a process serves its own waiting requests in. */
export const SEND_PRIORITY: Record<SendKind, number> = { reply: 0, followUp: 1, campaign: 2 };

export interface Ticket {
  /** When its last holder started (ms since the epoch); absent: never used. */
  grantedAt?: number;
  /** When that request was answered; absent while it is in flight. */
  answeredAt?: number;
  kind?: SendKind;
  /** The worker id of the process that holds it (src/nudges/workerProcess.ts), for the dead-holder check. */
  holder?: string;
}

export interface SendWindowState {
  tickets: Ticket[];
  /** Replies a second, as last measured, and when (ms since the epoch). */
  pressure: { value: number; at: number };
  /** Nobody starts before this (a 429's Retry-After applies to the whole app). */
  pausedUntil: number;
}

export interface SendRule {
  /** The window Teams counts in, plus a margin for clocks and timers. */
  windowMs: number;
  /** A ticket whose request has no answer after this long is free again (a hung request, a dead process). */
  answerCapMs: number;
  /** The pressure halves every this long once pupils stop talking. */
  halfLifeMs: number;
  /** Tickets the campaign may hold at once at most (NUDGE_SENDS_PER_SECOND), whatever is free. */
  campaignMost?: number;
}

/**
 * Teams' second plus 3 ms. A ticket's next request starts `windowMs` after its last answer as read in whole
 * milliseconds, which can be up to 1 ms before the answer came: two arrivals on one ticket are more than
 * `windowMs - 1` apart in real time. Teams stamps arrivals on its own clock, whose milliseconds begin elsewhere:
 * more than 1,001 ms apart is still 1,001 stamps apart, outside any window of 1,000 ms even counted at both ends
 * (test/domain/sending/sendTickets.test.ts finds 51 in a window at 1,001). The third millisecond is for a clock
 * being slewed (NTP moves it at most 0.5 ms a second). Each millisecond more costs the campaign 0.1 % of its
 * rate. Instances with clocks of their own add their clock margin (the Azure table).
 */
export const DEFAULT_SEND_RULE: SendRule = { windowMs: 1003, answerCapMs: 30_000, halfLifeMs: 1000 };

export type SendDecision =
  | { take: number; pressure: { value: number; at: number } }
  /** `waitMs`: when to look again; `inFlight`: the wait is for an answer this rule cannot time. */
  | { waitMs: number; inFlight: boolean };

const isPupils = (kind: SendKind | undefined) => kind === 'reply' || kind === 'followUp';

/** The pressure at `now`: faded since it was measured; below a quarter of a reply a second it is none. */
export function pressureAt(state: SendWindowState, now: number, rule: SendRule): number {
  const { value, at } = state.pressure;
  const faded = value * 2 ** (-Math.max(0, now - at) / rule.halfLifeMs);
  return faded < 0.25 ? 0 : faded;
}

/** Tickets the campaign leaves free: one always, and half as much again as the pupils' recent replies. */
export function campaignReserve(pressure: number): number {
  return 1 + Math.ceil(1.5 * pressure);
}

/**
 * When `ticket` is free: at once if never used, a window after its answer, or at the cap if it has none
 * (`Infinity`-free callers treat an unanswered ticket as "ask again soon"). `holderGone` frees a dead
 * process's ticket at once.
 */
export function freeFrom(ticket: Ticket, rule: SendRule, holderGone = false): number {
  if (ticket.grantedAt === undefined) return -Infinity;
  if (ticket.answeredAt !== undefined) return ticket.answeredAt + rule.windowMs;
  if (holderGone) return -Infinity;
  return ticket.grantedAt + rule.answerCapMs;
}

/**
 * Whether a request of `kind` may start at `now`, and with which ticket. `gone` says whether a ticket's holder
 * is a process known to have ended (its unanswered tickets are free).
 */
export function decideSend(
  state: SendWindowState,
  kind: SendKind,
  now: number,
  rule: SendRule = DEFAULT_SEND_RULE,
  gone: (holder: string) => boolean = () => false,
): SendDecision {
  if (now < state.pausedUntil) return { waitMs: Math.ceil(state.pausedUntil - now), inFlight: false };
  const free: number[] = [];
  const later: { at: number; inFlight: boolean }[] = [];
  const campaignLater: { at: number; inFlight: boolean }[] = [];
  state.tickets.forEach((ticket, index) => {
    const inFlight = ticket.grantedAt !== undefined && ticket.answeredAt === undefined;
    const at = freeFrom(ticket, rule, inFlight && !!ticket.holder && gone(ticket.holder));
    if (at <= now) free.push(index);
    else {
      later.push({ at, inFlight });
      if (ticket.kind === 'campaign') campaignLater.push({ at, inFlight });
    }
  });
  later.sort((a, b) => a.at - b.at);
  const pressure = pressureAt(state, now, rule);
  // Pupils need one free ticket; the campaign needs more than the reserve.
  const needed = isPupils(kind) ? 1 : campaignReserve(pressure) + 1;
  // The campaign's own cap: it waits for one of its own tickets to free.
  const most = rule.campaignMost;
  if (kind === 'campaign' && most !== undefined && campaignLater.length >= most) {
    campaignLater.sort((a, b) => a.at - b.at);
    const own = campaignLater[campaignLater.length - most]!;
    return { waitMs: Math.max(1, Math.ceil(own.at - now)), inFlight: own.inFlight };
  }
  if (free.length >= needed) {
    // The ticket that has been free longest (any would do; this keeps the table's use even).
    const index = free[0]!;
    if (!isPupils(kind)) return { take: index, pressure: state.pressure };
    const recent = state.tickets.filter(
      (t, i) =>
        i !== index && isPupils(t.kind) && t.grantedAt !== undefined && t.grantedAt > now - rule.windowMs,
    ).length;
    return { take: index, pressure: { value: Math.max(pressure, recent + 1), at: now } };
  }
  // The ticket that would make enough free; an in-flight one frees a window after an answer not yet known.
  const next = later[needed - free.length - 1];
  if (!next) return { waitMs: rule.windowMs, inFlight: false };
  return { waitMs: Math.max(1, Math.ceil(next.at - now)), inFlight: next.inFlight };
}
