/**
 * The app's Teams send budget as the storage keeps it: a table of tickets every sending process takes from,
 * so the bot's replies, its follow-ups and every campaign process stay inside Teams' limit together. Each
 * operation applies the rule in `domain/sending/sendTickets.ts` atomically (one transaction, or one
 * compare-and-set).
 */
import type { SendKind, SendRule } from '../domain/sending/sendTickets';

/** A ticket taken: which one, and when (so that an answer only marks the request it belongs to). */
export interface TakenTicket {
  index: number;
  grantedAt: number;
}

export type TakeResult = { ticket: TakenTicket } | { waitMs: number; inFlight: boolean };

export interface SendWindow {
  /** Tickets in the table: the requests Teams allows the app in one window. */
  readonly limit: number;
  /** Takes a ticket for a request of `kind` by `holder` if the rule allows it at `now`; else how long to wait. */
  take(kind: SendKind, holder: string, now: number, rule: SendRule): Promise<TakeResult>;
  /** The request holding `ticket` was answered (or failed) at `now`. A ticket taken over since is left alone. */
  answer(ticket: TakenTicket, now: number): Promise<void>;
  /** Nobody starts before `until` (Teams answered 429 with Retry-After). */
  pauseUntil(until: number): Promise<void>;
  close(): void;
}
