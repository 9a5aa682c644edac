/**
 * Escalations and their outbox: each is stored before its mail is sent, and its delivery state moves only
 * forward (queued → composed → sent, or failed). The store is what makes "exactly one mail per escalation"
 * hold across restarts: the sender claims an attempt here before each request and records the 202 here.
 *
 * Privacy: the user's words and the composed mail (which holds their name and registration) are kept only
 * until the mail is accepted; after that a record holds ids, the reference, the category and times, and is
 * deleted after the policy's retention period.
 */
import type { Category, HelpWay, PartOfDay } from '../domain/escalation/categories';
import type { OutgoingMail } from '../domain/escalation/escalationMail';
import type { StepId } from '../domain/guide/steps';
import type { LocalDate } from '../domain/policy/localDate';
import type { PersonalData } from './personalData';

/** What the user asked for, as validated from their card. */
export interface EscalationRequest {
  userId: string;
  /** The id of the help form the user sent (a repeated submit of the same form is the same escalation). */
  formId: string;
  category: Category;
  way: HelpWay;
  booking?: { day: LocalDate; part: PartOfDay };
  /** Cleaned and cut to the policy's limit. */
  words?: { text: string; truncated: boolean };
  step: StepId;
  /**
   * The user's language when they asked (a catalogue's locale: `pl`): the notices they are owed come in it,
   * and the desk's mail names it. Absent on requests stored before languages.
   */
  language?: string;
}

export type DeliveryState = 'queued' | 'composed' | 'sent' | 'failed';

export interface Escalation extends EscalationRequest {
  id: string;
  reference: string;
  /** ISO time it was stored. */
  createdAt: string;
  /** The school day it counts against (the daily limit). */
  localDate: LocalDate;
  state: DeliveryState;
  /** The composed mail, from the first compose until it is accepted. */
  mail?: OutgoingMail;
  /** Send attempts started so far. */
  attempts: number;
  /** ISO time the next attempt is due (queued/composed only). */
  nextAttemptAt?: string;
  /**
   * ISO time the current attempt's request was started; set before the request, cleared after its answer.
   * Still set at start-up means the process died mid-request: the request may have reached Exchange.
   */
  inFlightSince?: string;
  sentAt?: string;
  /** The last failure, for logs: status and Graph error code (no content). */
  lastError?: string;
  /** The user was told delivery is delayed, so they are owed a message when it goes (or fails). */
  userOwedNotice: boolean;
  /** The copy to the IT channel: not wanted, owed, posted, or given up. */
  channelCopy: 'none' | 'owed' | 'posted' | 'failed';
}

export type CreateResult =
  | { kind: 'created'; escalation: Escalation }
  /** The same form was sent before: nothing new was stored. */
  | { kind: 'duplicate'; escalation: Escalation }
  /** The user reached the daily limit; `today` holds the references they already have today. */
  | { kind: 'limit'; today: Escalation[] };

export interface NewEscalation extends EscalationRequest {
  id: string;
  createdAt: string;
  localDate: LocalDate;
  channelCopy: 'none' | 'owed';
}

/** Export and erase cover every escalation of the user, with the rows that index them (form, day, keys). */
export interface EscalationStore extends PersonalData<Escalation> {
  /**
   * Stores a new escalation unless the same form was stored before or the user already has `maxPerDay` on
   * `localDate`; atomic, so concurrent submits cannot pass the limit or create two. `newReference` is asked
   * again if a reference is already taken.
   */
  create(input: NewEscalation, maxPerDay: number, newReference: () => string): Promise<CreateResult>;
  get(id: string): Promise<Escalation | undefined>;
  findByReference(reference: string): Promise<Escalation | undefined>;
  /**
   * Escalations whose mail is not yet accepted and whose next attempt is due at `now`: urgent ones first (see
   * `isUrgent`), then oldest first, so an urgent request never waits behind a backlog beyond `limit`.
   */
  due(now: Date, limit: number): Promise<Escalation[]>;
  /**
   * Escalations whose mail is not settled yet (queued or composed: neither accepted nor given up), newest
   * first, at most `limit` (IT's tab).
   */
  unsettled(limit: number): Promise<Escalation[]>;
  /**
   * Escalations whose mail the outbox gave up on (failed: IT must handle them by hand), newest first, at most
   * `limit` (IT's tab). Kept until the retention purge, like every escalation.
   */
  givenUp(limit: number): Promise<Escalation[]>;
  /** The earliest next attempt among unsent escalations (to set a timer), if any. */
  nextDueAt(): Promise<string | undefined>;
  /**
   * Unsent escalations with an attempt in flight since `startedBy` or earlier. At start-up with one instance,
   * `startedBy` = now: every one was cut off by the stop. With several instances sharing the store, another
   * instance may be sending right now, so only attempts older than any live send can take are interrupted.
   */
  interrupted(startedBy: Date): Promise<Escalation[]>;
  /** Stores the composed mail (queued → composed); the same mail is sent on every attempt after. */
  saveComposed(id: string, mail: OutgoingMail): Promise<void>;
  /**
   * Claims an attempt: counts it and marks it in flight, only if the escalation is composed, not in flight, and
   * its next attempt is due at `at` (compare-and-set). Returns false when someone else holds it, sent it, or
   * put it off (an instance that read it before a retry was scheduled): then nothing may be sent.
   */
  claimAttempt(id: string, at: Date): Promise<boolean>;
  /** The mail was accepted (202): sent, and the words and the mail are deleted. */
  markSent(id: string, at: Date): Promise<void>;
  /** The attempt failed in a way worth retrying: not in flight, next attempt at `nextAt`. */
  markRetry(id: string, nextAt: Date, error: string): Promise<void>;
  /** Given up (a refusal that will not change, or too old): failed, words and mail deleted. */
  markFailed(id: string, error: string): Promise<void>;
  /**
   * Clears an interrupted attempt so it is due again at `at`, only if it is still the attempt in flight since
   * `inFlightSince` (compare-and-set: of two instances releasing it, the one that lost must not clear a new
   * claim made meanwhile). True when released.
   */
  releaseInterrupted(id: string, inFlightSince: string, at: Date): Promise<boolean>;
  setUserOwedNotice(id: string, owed: boolean): Promise<void>;
  /**
   * Takes the user's owed notice for one send: clears the flag only if it is set (compare-and-set), so of
   * several instances one sends it. True when taken; a send that did not reach the user sets it again.
   */
  takeUserNotice(id: string): Promise<boolean>;
  /** Sent/failed escalations whose user is still owed the notice of it, oldest first. */
  noticesOwed(): Promise<Escalation[]>;
  /** Sets the channel copy's state and drops any claim on it (so 'owed' puts it back for the next try). */
  setChannelCopy(id: string, state: Escalation['channelCopy']): Promise<void>;
  /**
   * Claims the owed channel copy for one post, only if it is owed and unclaimed or its claim was made at or
   * before `expiredBefore` (its poster died). With several instances, only the one holding the claim posts.
   */
  claimChannelCopy(id: string, at: Date, expiredBefore: Date): Promise<boolean>;
  /** Sent/failed escalations with a channel copy still owed. */
  channelCopiesOwed(): Promise<Escalation[]>;
  /** How many escalations are kept in each delivery state (for the operator's gauges; every state present). */
  countByState(): Promise<Record<DeliveryState, number>>;
  /** Deletes escalations created before `cutoff`; returns how many. */
  purgeCreatedBefore(cutoff: Date): Promise<number>;
}
