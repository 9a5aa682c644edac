/**
 * The queue of nudges to send. At-least-once, with visibility timeouts: a received message is hidden, not
 * removed, until the worker deletes it; if the worker dies it reappears after the timeout and another worker
 * takes it. Exactly-once sending comes from the ledger, not from here.
 *
 * Shaped like Azure Queue Storage (receive up to 32 with a visibility timeout, delete and update with the pop
 * receipt of the latest receive, dequeue count, delay on enqueue of up to 7 days).
 */
import type { RegisteredMethod } from '../domain/registration/methods';
import type { LedgerKey } from './nudgeLedger';

/**
 * What one message asks for: send this ledger row, or, with `show: 'done'`, bring the card that row sent up to
 * date now that the user is registered. `firstName` is for the greeting only.
 */
export interface NudgeJob extends LedgerKey {
  firstName?: string;
  show?: 'done';
  /**
   * What the planner saw of the user's methods (kinds, and whether the email is on a school domain: never an
   * address) and when the report it came from was read (epoch ms). A worker that has not read the report yet
   * itself (a restart) decides on it while it is as young as its own snapshot would have to be, instead of
   * waiting for a whole report read before its first send.
   */
  seen?: { methods: RegisteredMethod[]; asOf: string; readAt: number };
}

export interface ReceivedJob {
  messageId: string;
  /** Proves this worker holds the message; a later receive by anyone makes it stale. */
  popReceipt: string;
  /** How many times the message has been received, this time included. */
  dequeueCount: number;
  job: NudgeJob;
}

export interface NudgeQueue {
  /** Adds messages, visible after `delayMs` (default 0). */
  enqueue(jobs: NudgeJob[], options?: { delayMs?: number }): Promise<void>;
  /** Takes up to `max` visible messages and hides them for `visibilityTimeoutMs`, noting `holder` where it can. */
  receive(max: number, visibilityTimeoutMs: number, holder?: string): Promise<ReceivedJob[]>;
  /**
   * Where every process shares one machine (SQLite): makes the messages held by holders that `isGone` visible
   * again at once, and returns how many. Absent where a dead holder cannot be told (Azure Queue Storage: the
   * visibility timeout brings them back).
   */
  takeBackFrom?(isGone: (holder: string) => boolean): Promise<number>;
  /** Removes a message; false when the pop receipt is stale (someone else received it since). */
  delete(messageId: string, popReceipt: string): Promise<boolean>;
  /**
   * Hides the message for `visibilityTimeoutMs` from now (retry later, wait for a window); returns the new pop
   * receipt, or undefined when the given one is stale.
   */
  defer(messageId: string, popReceipt: string, visibilityTimeoutMs: number): Promise<string | undefined>;
  /** Messages in the queue, visible or not (approximate, as Azure's is). */
  approximateCount(): Promise<number>;
  /**
   * Deletes the messages whose job matches (one person's nudges at an erase, a purged campaign's); returns how
   * many. Azure Queue Storage can reach only visible messages: a delayed one stays until a worker takes it,
   * and the worker drops it unsent, since its ledger row is gone by then.
   */
  eraseWhere(match: (job: NudgeJob) => boolean): Promise<number>;
}
