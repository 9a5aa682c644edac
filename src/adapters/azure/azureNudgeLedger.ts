import type { TableClient, TableEntity } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import type { NudgeState } from '../../domain/campaign/nudgeDecision';
import type {
  ExportedMarker,
  LedgerClaim,
  LedgerCounts,
  LedgerEntry,
  LedgerKey,
  LedgerPatch,
  NudgeLedger,
} from '../../ports/nudgeLedger';
import {
  afterPrefix,
  countLedgerRow,
  emptyLedgerCounts,
  userMarkerNames,
  userOfMarker,
} from '../../ports/nudgeLedger';
import { ConcurrencyError } from '../../ports/versioned';
import { hasStatus, storageDeadline, type AzureStorageAccount } from './azureStorageAccount';
import {
  deleteRow,
  deleteWhere,
  fromTableKey,
  insertIfAbsent,
  readRow,
  replaceIfUnchanged,
  scan,
  tableKey,
  type Read,
} from './tableOps';

/**
 * A ledger row's properties: the entry without the keys the table holds (campaign in the PartitionKey) or
 * gives (etag), and `group` as `grp`. Optional fields are absent, never empty strings.
 */
type Row = Omit<LedgerEntry, 'campaignId' | 'etag' | 'group'> & { grp: string };

interface Marker {
  /** The name as given (the RowKey holds it made safe for a key). */
  name?: string;
  value: string;
}

/** Requests in flight at once for the per-row operations (claims, per-user reads, marks). */
const PARALLEL = 16;
const PAGE = 500;
/** Created rows remembered for their enqueued mark (a page of claims is at most 999). */
const REMEMBERED = 4096;
/** Writes of an on-the-wire note before giving up (each conflict is a write that landed in between). */
const NOTE_ROUNDS = 5;

function createdKey(key: LedgerKey): string {
  return `${key.campaignId}\n${key.userId}\n${key.nudge}`;
}

/** The campaign part of a PartitionKey; `|` is escaped so that one campaign's range never reaches another's. */
function campaignPart(campaignId: string): string {
  return tableKey(campaignId).replace(/\|/g, '%7c');
}

/**
 * PartitionKey of one user's rows in one campaign: `<campaign>|<user>`. A user's history is one partition,
 * a campaign is one PartitionKey range, and the rows of a big campaign are spread over many partitions
 * (Azure serves each partition up to about 2,000 operations per second).
 */
function partitionOf(campaignId: string, userId: string): string {
  return `${campaignPart(campaignId)}|${tableKey(userId)}`;
}

/** The filter for every row of a campaign: its PartitionKey range (`}` is the character after `|`). */
function campaignRange(campaignId: string): string {
  const c = campaignPart(campaignId);
  return odata`PartitionKey ge ${`${c}|`} and PartitionKey lt ${`${c}}`}`;
}

/** True when `key` is a whole row as read with `etag`, so that it can be written over without reading it. */
function isEntryAt(key: LedgerKey, etag: string): key is LedgerEntry {
  const entry = key as Partial<LedgerEntry>;
  return entry.etag === etag && entry.state !== undefined && entry.createdAt !== undefined;
}

function toEntry(campaignId: string, r: Read<Row>): LedgerEntry {
  const entry: LedgerEntry = {
    campaignId,
    userId: r.userId,
    nudge: r.nudge,
    state: r.state,
    group: r.grp,
    attempts: r.attempts,
    enqueued: r.enqueued,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    etag: r.etag,
  };
  if (r.detail !== undefined) entry.detail = r.detail;
  if (r.attemptBy !== undefined) entry.attemptBy = r.attemptBy;
  if (r.attemptAt !== undefined) entry.attemptAt = r.attemptAt;
  if (r.onWireAt !== undefined) entry.onWireAt = r.onWireAt;
  if (r.inDoubt) entry.inDoubt = true;
  if (r.failures) entry.failures = r.failures;
  if (r.snoozedUntil !== undefined) entry.snoozedUntil = r.snoozedUntil;
  if (r.installedAt !== undefined) entry.installedAt = r.installedAt;
  if (r.chatId !== undefined) entry.chatId = r.chatId;
  if (r.activityId !== undefined) entry.activityId = r.activityId;
  if (r.doneCard !== undefined) entry.doneCard = r.doneCard;
  if (r.doneCardAt !== undefined) entry.doneCardAt = r.doneCardAt;
  return entry;
}

/** The row as stored: `undefined` fields are left out (Tables has no nulls), so a patch can clear them. */
function toRow(entry: Omit<LedgerEntry, 'campaignId' | 'etag'>): Row {
  const row: Row = {
    userId: entry.userId,
    nudge: entry.nudge,
    state: entry.state,
    grp: entry.group,
    attempts: entry.attempts,
    enqueued: entry.enqueued,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
  for (const field of [
    'detail',
    'attemptBy',
    'attemptAt',
    'onWireAt',
    'snoozedUntil',
    'installedAt',
    'chatId',
    'activityId',
    'doneCardAt',
  ] as const) {
    const value = entry[field];
    if (value !== undefined) row[field] = value;
  }
  if (entry.doneCard !== undefined) row.doneCard = entry.doneCard;
  if (entry.inDoubt) row.inDoubt = true;
  if (entry.failures) row.failures = entry.failures;
  return row;
}

/**
 * The delivery ledger in Azure Tables: PartitionKey = `<campaign>|<user>`, RowKey = the nudge. Claims are
 * insert-if-absent (409 means another planner or pass was first), updates are replaces under the etag the
 * caller read (412 → ConcurrencyError), so two workers on two instances never both take one send.
 * Campaign markers live in their own table so that scans of a campaign see ledger rows only.
 */
export class AzureNudgeLedger implements NudgeLedger {
  /**
   * Rows this handle created and has not marked enqueued yet, with the etag of their creation (bounded: a
   * forgotten one is simply read again).
   */
  private readonly created = new LRUCache<string, { etag: string; row: Row }>({ max: REMEMBERED });

  private constructor(
    private readonly rows: TableClient,
    private readonly markers: TableClient,
  ) {}

  static async open(account: AzureStorageAccount): Promise<AzureNudgeLedger> {
    const [rows, markers] = await Promise.all([
      account.ensureTable('nudges'),
      account.ensureTable('nudgemarkers'),
    ]);
    return new AzureNudgeLedger(rows, markers);
  }

  async claim(claims: LedgerClaim[]): Promise<boolean[]> {
    const limit = pLimit(PARALLEL);
    return Promise.all(
      claims.map((c) =>
        limit(async () => {
          const row = toRow({
            userId: c.userId,
            nudge: c.nudge,
            state: 'queued',
            group: c.group,
            attempts: 0,
            enqueued: false,
            createdAt: c.at,
            updatedAt: c.at,
          });
          const created = await insertIfAbsent<Row>(this.rows, {
            partitionKey: partitionOf(c.campaignId, c.userId),
            rowKey: tableKey(c.nudge),
            ...row,
          });
          // Undefined: the row exists (another planner or pass was first).
          if (created?.etag) this.created.set(createdKey(c), { etag: created.etag, row });
          return created !== undefined;
        }),
      ),
    );
  }

  async get(key: LedgerKey): Promise<LedgerEntry | undefined> {
    const row = await readRow<Row>(this.rows, partitionOf(key.campaignId, key.userId), tableKey(key.nudge));
    return row && toEntry(key.campaignId, row);
  }

  async history(campaignId: string, userId: string): Promise<LedgerEntry[]> {
    const found: LedgerEntry[] = [];
    for await (const row of this.rows.listEntities<Row>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionOf(campaignId, userId)}` },
      abortSignal: storageDeadline(),
    })) {
      found.push(toEntry(campaignId, row as Read<Row>));
    }
    return found;
  }

  async histories(campaignId: string, userIds: string[]): Promise<Map<string, LedgerEntry[]>> {
    // One range read per user, several at once: the planner asks for a page of members at a time.
    const limit = pLimit(PARALLEL);
    const found = new Map<string, LedgerEntry[]>();
    await Promise.all(
      userIds.map((userId) =>
        limit(async () => {
          const rows = await this.history(campaignId, userId);
          if (rows.length > 0) found.set(userId, rows);
        }),
      ),
    );
    return found;
  }

  async update(key: LedgerKey, etag: string, patch: LedgerPatch): Promise<LedgerEntry> {
    // The row is replaced whole (Tables has no nulls: a merge could not clear a field). Callers that pass the
    // row as they read it (the worker, the snooze) save a read; the etag guards against anything written since.
    const current = isEntryAt(key, etag) ? key : await this.get(key);
    if (!current || current.etag !== etag) throw new ConcurrencyError('ledger entry');
    const next: LedgerEntry = { ...current, ...patch };
    const entity: TableEntity<Row> = {
      partitionKey: partitionOf(key.campaignId, key.userId),
      rowKey: tableKey(key.nudge),
      ...toRow(next),
    };
    try {
      const written = await this.rows.updateEntity(entity, 'Replace', {
        etag,
        abortSignal: storageDeadline(),
      });
      return { ...next, campaignId: key.campaignId, etag: written.etag ?? '' };
    } catch (error) {
      if (hasStatus(error, 412) || hasStatus(error, 404)) throw new ConcurrencyError('ledger entry');
      throw error;
    }
  }

  async noteOnWire(take: LedgerEntry, at: string): Promise<LedgerEntry | undefined> {
    // First over the row as it was taken (no read); on a conflict (the planner's enqueued mark), over the row
    // read again, as long as the send is still this take.
    let current: LedgerEntry | undefined = take;
    for (let round = 0; round < NOTE_ROUNDS; round++) {
      if (
        !current?.attemptBy ||
        current.attemptBy !== take.attemptBy ||
        current.attemptAt !== take.attemptAt
      ) {
        return undefined;
      }
      try {
        return await this.update(current, current.etag, { onWireAt: at, updatedAt: at });
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
      current = await this.get(take);
    }
    throw new ConcurrencyError('ledger entry');
  }

  async markEnqueued(keys: LedgerKey[], at: string): Promise<void> {
    const limit = pLimit(PARALLEL);
    await Promise.all(
      keys.map((k) =>
        limit(async () => {
          const partitionKey = partitionOf(k.campaignId, k.userId);
          const rowKey = tableKey(k.nudge);
          // A row this handle just claimed is written at the etag of its creation, without reading it: the
          // planner marks every row it queues, so this saves a read per member. If anything wrote the row since
          // (a worker was quicker), 412, and it is read and decided as below.
          const created = this.created.get(createdKey(k));
          this.created.delete(createdKey(k));
          if (created) {
            try {
              await this.rows.updateEntity<Row>(
                { partitionKey, rowKey, ...created.row, enqueued: true, updatedAt: at },
                'Replace',
                { etag: created.etag, abortSignal: storageDeadline() },
              );
              return;
            } catch (error) {
              if (!hasStatus(error, 412) && !hasStatus(error, 404)) throw error;
            }
          }
          // Only a row still waiting for its message changes (and so gets a new etag), as in SQLite.
          await replaceIfUnchanged<Row>(this.rows, partitionKey, rowKey, (row) =>
            row.enqueued
              ? undefined
              : {
                  partitionKey: row.partitionKey,
                  rowKey: row.rowKey,
                  ...toRow({ ...toEntry(k.campaignId, row), enqueued: true, updatedAt: at }),
                },
          );
        }),
      ),
    );
  }

  async *scan(
    campaignId: string,
    filter: { states?: NudgeState[]; notEnqueuedBefore?: string },
  ): AsyncIterable<LedgerEntry[]> {
    const clauses = [campaignRange(campaignId)];
    if (filter.states) {
      clauses.push(`(${filter.states.map((state) => odata`state eq ${state}`).join(' or ')})`);
    }
    if (filter.notEnqueuedBefore) {
      clauses.push(odata`enqueued eq false and updatedAt lt ${filter.notEnqueuedBefore}`);
    }
    // Continuation tokens are key positions, so rows changed during the scan are neither lost nor repeated.
    const pages = this.rows
      .listEntities<Row>({ queryOptions: { filter: clauses.join(' and ') } })
      .byPage({ maxPageSize: PAGE });
    for await (const page of pages) {
      if (page.length > 0) yield page.map((row) => toEntry(campaignId, row as Read<Row>));
    }
  }

  async counts(campaignId: string): Promise<LedgerCounts> {
    const counts = emptyLedgerCounts();
    for await (const r of this.rows.listEntities<Pick<Row, 'state' | 'detail' | 'grp' | 'nudge'>>({
      queryOptions: {
        filter: campaignRange(campaignId),
        select: ['state', 'detail', 'grp', 'nudge'],
      },
    })) {
      countLedgerRow(counts, r, 1);
    }
    return counts;
  }

  async getMarker(campaignId: string, name: string): Promise<string | undefined> {
    const row = await readRow<Marker>(this.markers, tableKey(campaignId), tableKey(name));
    return row?.value;
  }

  async setMarker(campaignId: string, name: string, value: string): Promise<void> {
    await this.markers.upsertEntity<Marker>(
      { partitionKey: tableKey(campaignId), rowKey: tableKey(name), name, value },
      'Replace',
      { abortSignal: storageDeadline() },
    );
  }

  async markersStartingWith(campaignId: string, prefix: string): Promise<Map<string, string>> {
    const from = tableKey(prefix);
    const found = new Map<string, string>();
    for await (const row of this.markers.listEntities<Marker>({
      queryOptions: {
        filter: odata`PartitionKey eq ${tableKey(campaignId)} and RowKey ge ${from} and RowKey lt ${afterPrefix(from)}`,
      },
      abortSignal: storageDeadline(),
    })) {
      found.set(row.name ?? row.rowKey!, row.value);
    }
    return found;
  }

  /** Scans the keys of both tables (a campaign is a few thousand rows; this runs once a day). */
  async campaigns(): Promise<string[]> {
    const found = new Set<string>();
    for (const row of await scan<object>(this.rows, undefined, { select: ['PartitionKey'] })) {
      found.add(fromTableKey(row.partitionKey.slice(0, row.partitionKey.indexOf('|'))));
    }
    for (const row of await scan<object>(this.markers, undefined, { select: ['PartitionKey'] })) {
      found.add(fromTableKey(row.partitionKey));
    }
    return [...found].sort();
  }

  async deleteCampaign(campaignId: string): Promise<number> {
    await deleteWhere(this.markers, odata`PartitionKey eq ${tableKey(campaignId)}`, { whatever: true });
    return deleteWhere(this.rows, campaignRange(campaignId), { whatever: true });
  }

  async heldUserIds(): Promise<Set<string>> {
    const held = new Set<string>();
    for (const row of await scan<Row>(this.rows, undefined, { select: ['userId'] })) held.add(row.userId);
    for (const row of await scan<Marker>(this.markers, undefined, { select: ['name'] })) {
      const userId = row.name ? userOfMarker(row.name) : undefined;
      if (userId) held.add(userId);
    }
    return held;
  }

  async exportUser(userId: string): Promise<(LedgerEntry | ExportedMarker)[]> {
    const found: (LedgerEntry | ExportedMarker)[] = [];
    for (const campaignId of await this.campaigns()) {
      found.push(...(await this.history(campaignId, userId)));
      for (const name of userMarkerNames(userId)) {
        const value = await this.getMarker(campaignId, name);
        if (value !== undefined) found.push({ kind: 'campaignMarker', campaignId, name, value });
      }
    }
    return found;
  }

  async eraseUser(userId: string): Promise<number> {
    let erased = 0;
    for (const campaignId of await this.campaigns()) {
      erased += await deleteWhere(this.rows, odata`PartitionKey eq ${partitionOf(campaignId, userId)}`, {
        whatever: true,
      });
      for (const name of userMarkerNames(userId)) {
        const marker = { partitionKey: tableKey(campaignId), rowKey: tableKey(name) };
        if (await deleteRow(this.markers, marker)) erased++;
      }
    }
    const remembered = [...this.created.keys()].filter((key) => key.split('\n')[1] === userId);
    for (const key of remembered) this.created.delete(key);
    return erased;
  }
}
