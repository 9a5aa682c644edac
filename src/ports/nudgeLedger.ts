/**
 * The delivery ledger: one row per (campaign, user, nudge) recording what happened to that nudge. Claiming a
 * row is insert-if-absent, so a nudge is queued once however many planners or passes see the user; a worker
 * takes a send by a conditional update (etag), so two workers never send the same row at once.
 *
 * Shaped for a table store (Azure Tables: PartitionKey = campaign, RowKey = `${userId}|${nudge}`): every
 * query is a key lookup, a RowKey-prefix range within the campaign, or a scan of the campaign with a filter.
 */
import type { DoneCardState } from '../domain/campaign/doneCards';
import { parseNudgeKey, type NudgeState } from '../domain/campaign/nudgeDecision';
import type { PersonalData } from './personalData';

export interface LedgerKey {
  campaignId: string;
  /** Entra object id (lower case). */
  userId: string;
  /** `d7`, or `d7+s1` for the reminder after a snooze. */
  nudge: string;
}

export interface LedgerEntry extends LedgerKey {
  state: NudgeState;
  /** The target (or report) group the user was planned under, for the report by group. */
  group: string;
  /** Why, for states that need one: the 403 code, the install refusal, `expired`, `inDoubt`… */
  detail?: string;
  /** Sends started (a send in progress has `attemptAt` set). */
  attempts: number;
  /**
   * Sends or installs that failed outright (5xx, timeout, network): the row is `failed` after
   * `maxDeliveries` of them. Waits (429, the window, an install) do not count. Absent: none.
   */
  failures?: number;
  /** Worker id and ISO time of the send in progress; cleared when it ends. */
  attemptBy?: string;
  attemptAt?: string;
  /**
   * ISO; stored (and waited for) just before the request that carries the message goes out, after the take.
   * A take without it, left by a dead worker, is a send that never left, and is sent again; a take with it
   * may have arrived, and is not.
   */
  onWireAt?: string;
  /** True once a send was started and its worker died before it could record the answer. */
  inDoubt?: boolean;
  /** False from the claim until its queue message is known to exist (crash repair). */
  enqueued: boolean;
  /** ISO; for `snoozed`. */
  snoozedUntil?: string;
  /** ISO; when the app was installed for the user by this nudge (it is then waiting for the conversation). */
  installedAt?: string;
  /** The 1:1 chat the install created, used if the bot never hears of the install. */
  chatId?: string;
  /** For `sent`: the id Teams gave the nudge's message in the chat, so that the card can be brought up to date. */
  activityId?: string;
  /** For `sent` with `activityId`, once the user is registered: where bringing the card up to date stands. */
  doneCard?: DoneCardState;
  /** ISO; when `doneCard` last changed (the card's bookkeeping leaves `updatedAt`, the nudge's own, alone). */
  doneCardAt?: string;
  createdAt: string;
  updatedAt: string;
  etag: string;
}

/** A row to claim: always `queued`, not yet enqueued. */
export type LedgerClaim = LedgerKey & { group: string; at: string };

/** Fields a worker may change; `undefined` clears an optional field. */
export type LedgerPatch = Partial<
  Pick<
    LedgerEntry,
    | 'state'
    | 'detail'
    | 'attempts'
    | 'failures'
    | 'attemptBy'
    | 'attemptAt'
    | 'onWireAt'
    | 'inDoubt'
    | 'enqueued'
    | 'snoozedUntil'
    | 'installedAt'
    | 'chatId'
    | 'activityId'
    | 'doneCard'
    | 'doneCardAt'
  >
> & { updatedAt: string };

export interface LedgerCounts {
  /** Rows by state, and by `${state}:${detail}` for rows with a detail. */
  byState: Record<string, number>;
  /** group → state → rows. */
  byGroup: Record<string, Record<string, number>>;
  /** stage (`d7`; a snooze's reminder counts in its stage) → state → rows. */
  byStage: Record<string, Record<string, number>>;
}

export function emptyLedgerCounts(): LedgerCounts {
  return { byState: {}, byGroup: {}, byStage: {} };
}

/** Adds `n` rows alike in state, detail, group and nudge to `counts` (each backend's counts() shares it). */
export function countLedgerRow(
  counts: LedgerCounts,
  row: { state: string; detail?: string | null; grp: string; nudge: string },
  n: number,
): void {
  const add = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + n);
  add(counts.byState, row.state);
  if (row.detail) add(counts.byState, `${row.state}:${row.detail}`);
  add((counts.byGroup[row.grp] ??= {}), row.state);
  add((counts.byStage[parseNudgeKey(row.nudge).stage] ??= {}), row.state);
}

/** The first string after every string that starts with `prefix` (for key ranges). */
export function afterPrefix(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * Campaign markers that concern one user are named `<prefix><userId>`: `registered:` (a live "done" check),
 * `emailChecked:` (whether their email method is the school address) and `windowGroup:` (the target group
 * whose sending windows their nudges keep to); export and erase include them. Other markers (planning passes,
 * the last pass's counts) hold no one's data.
 */
export const USER_MARKER_PREFIXES = ['registered:', 'emailChecked:', 'windowGroup:'] as const;
export type UserMarkerPrefix = (typeof USER_MARKER_PREFIXES)[number];

/** The names of one user's markers, one per kind. */
export function userMarkerNames(userId: string): string[] {
  return USER_MARKER_PREFIXES.map((prefix) => `${prefix}${userId}`);
}

/** The user a marker name is about, or undefined for a campaign-wide marker. */
export function userOfMarker(name: string): string | undefined {
  const prefix = USER_MARKER_PREFIXES.find((p) => name.startsWith(p));
  return prefix ? name.slice(prefix.length) : undefined;
}

/** A user's marker in an export. */
export interface ExportedMarker {
  kind: 'campaignMarker';
  campaignId: string;
  name: string;
  value: string;
}

/** Export and erase cover the user's rows and markers in every campaign the ledger holds. */
export interface NudgeLedger extends PersonalData<LedgerEntry | ExportedMarker> {
  /**
   * Creates each row that does not exist yet (state `queued`, `enqueued: false`); returns, per claim, whether
   * this call created it. Never overwrites.
   */
  claim(claims: LedgerClaim[]): Promise<boolean[]>;
  get(key: LedgerKey): Promise<LedgerEntry | undefined>;
  /** Every row of one user in one campaign (a RowKey-prefix range). */
  history(campaignId: string, userId: string): Promise<LedgerEntry[]>;
  /** The rows of many users at once (the planner reads a page of members at a time). */
  histories(campaignId: string, userIds: string[]): Promise<Map<string, LedgerEntry[]>>;
  /** Applies `patch` if the row is still at `etag`; returns the new row, or throws ConcurrencyError. */
  update(key: LedgerKey, etag: string, patch: LedgerPatch): Promise<LedgerEntry>;
  /**
   * Writes `onWireAt` on the row if its send is still the one `take` holds (same `attemptBy` and `attemptAt`),
   * whatever else was written since (the planner's enqueued mark can land at the same moment). Returns the row
   * as written, or undefined when the take is no longer there (someone else decided). Throws on storage errors.
   */
  noteOnWire(take: LedgerEntry, at: string): Promise<LedgerEntry | undefined>;
  /** Marks rows as having a queue message (after the enqueue succeeded). */
  markEnqueued(keys: LedgerKey[], at: string): Promise<void>;
  /** Rows in `state`, oldest first, a page at a time (the report, resends, crash repair). */
  scan(
    campaignId: string,
    filter: { states?: NudgeState[]; notEnqueuedBefore?: string },
  ): AsyncIterable<LedgerEntry[]>;
  counts(campaignId: string): Promise<LedgerCounts>;
  /** Campaign-level markers (e.g. the last planning pass of a stage): a tiny key-value space per campaign. */
  getMarker(campaignId: string, name: string): Promise<string | undefined>;
  setMarker(campaignId: string, name: string, value: string): Promise<void>;
  /** Every marker whose name starts with `prefix` (name → value): one read instead of one per name. */
  markersStartingWith(campaignId: string, prefix: string): Promise<Map<string, string>>;
  /** Every campaign with rows or markers here (for retention: each is kept until after its enforcement date). */
  campaigns(): Promise<string[]>;
  /** Deletes a whole campaign, rows and markers; returns how many rows went. */
  deleteCampaign(campaignId: string): Promise<number>;
}
