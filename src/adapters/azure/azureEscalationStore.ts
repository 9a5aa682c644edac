/**
 * Escalations and their outbox in Azure Tables, safe with several bot instances at once.
 *
 * Table `escalations`, one partition per user (partition = the user's Entra id), three kinds of row:
 *  - `e_<id>`    the escalation;
 *  - `f_<form>`  the form it came from (a second create of the same form finds it, or fails with 409);
 *  - `d_<day>`   the user's escalations on one school day (the daily limit), changed only under its etag.
 * A create writes all three in ONE entity group transaction, so the form rule and the daily limit are decided
 * atomically with the row itself: of racing creates, those whose view went stale fail (409/412) and decide
 * again from fresh rows.
 *
 * Table `escalationkeys`, one row per partition: `ref_<reference>` (references are unique across users:
 * reserved with insert-if-absent before the transaction) and `id_<id>` (finds the user's partition from an
 * escalation id). A key row left by a create that then lost (duplicate, limit, crash) points at no
 * escalation, so lookups through it find nothing; it holds the reference until the retention purge.
 *
 * Every state change is a read-decide-replace under the row's etag, which is the compare-and-set the port
 * promises (claimAttempt: one instance wins). The outbox's queries across users (due, interrupted, channel
 * copies owed, purge) scan the table with $filter: a school has at most a few thousand escalations within
 * the retention period, and the scans run once a minute per instance.
 */
import { LRUCache } from 'lru-cache';
import { odata, type TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { isUrgent } from '../../domain/escalation/categories';
import type { OutgoingMail } from '../../domain/escalation/escalationMail';
import type {
  CreateResult,
  DeliveryState,
  Escalation,
  EscalationStore,
  NewEscalation,
} from '../../ports/escalationStore';
import { ConcurrencyError } from '../../ports/versioned';
import type { AzureStorageAccount } from './azureStorageAccount';
import {
  deleteIfUnchanged,
  deleteWhere,
  fromTableKey,
  insertIfAbsent,
  readRow,
  replaceIfUnchanged,
  scan,
  splitText,
  tableKey,
  transact,
  type Read,
} from './tableOps';

/** The escalation as stored, with the claim on its channel copy (not part of the port's view). */
type Stored = Escalation & { channelClaimedAt?: string };

/** The part of the request kept as JSON (the words are removed from it once the mail is accepted). */
type StoredRequest = Pick<Escalation, 'category' | 'way' | 'booking' | 'words' | 'step' | 'language'>;

/** Optional times are '' when unset: a $filter can compare with '' but cannot test for a missing property. */
type EscalationRow = {
  kind: 'escalation';
  id: string;
  reference: string;
  userId: string;
  formId: string;
  createdAt: string;
  localDate: string;
  request: string;
  state: Escalation['state'];
  attempts: number;
  nextAttemptAt: string;
  inFlightSince: string;
  sentAt: string;
  lastError: string;
  userOwedNotice: boolean;
  channelCopy: Escalation['channelCopy'];
  channelClaimedAt: string;
  /** The composed mail as JSON, in `mail0`, `mail1`… (a string property holds 32K characters at most). */
  mailParts: number;
  [part: `mail${number}`]: string;
};

type FormRow = {
  kind: 'form';
  escalationId: string;
  createdAt: string;
};

type DayRow = {
  kind: 'day';
  /** JSON array of the escalation ids counted on this day, oldest first. */
  ids: string;
  /** Of the latest escalation counted (the purge deletes the row with it). */
  createdAt: string;
};

type KeyRow = {
  userId: string;
  escalationId: string;
  createdAt: string;
};

const KEY_ROW = 'key';
/** Create rounds (each lost only to another create for the same user that won) before giving up. */
const MAX_CREATE_ROUNDS = 25;
/** References tried before giving up (each is 4 characters from 20: collisions are rare). */
const MAX_REFERENCE_TRIES = 20;
/** Escalation ids → user id are fixed for ever, so a bounded cache saves a read per state change. */
const CACHE_SIZE = 10_000;

const rowOf = (id: string) => `e_${tableKey(id)}`;
const formRowOf = (formId: string) => `f_${tableKey(formId)}`;
const dayRowOf = (day: string) => `d_${tableKey(day)}`;
const UNSENT = `(state eq 'queued' or state eq 'composed')`;
/** What the purge needs of a row: its keys (to delete it) and its kind (to count escalations). */
const KEYS_AND_KIND = ['PartitionKey', 'RowKey', 'kind'];

function toRow(e: Stored): TableEntity<EscalationRow> {
  const request: StoredRequest = {
    category: e.category,
    way: e.way,
    booking: e.booking,
    words: e.words,
    step: e.step,
    language: e.language,
  };
  const parts = e.mail ? splitText(JSON.stringify(e.mail)) : [];
  const row: TableEntity<EscalationRow> = {
    partitionKey: tableKey(e.userId),
    rowKey: rowOf(e.id),
    kind: 'escalation',
    id: e.id,
    reference: e.reference,
    userId: e.userId,
    formId: e.formId,
    createdAt: e.createdAt,
    localDate: e.localDate,
    request: JSON.stringify(request),
    state: e.state,
    attempts: e.attempts,
    nextAttemptAt: e.nextAttemptAt ?? '',
    inFlightSince: e.inFlightSince ?? '',
    sentAt: e.sentAt ?? '',
    lastError: e.lastError ?? '',
    userOwedNotice: e.userOwedNotice,
    channelCopy: e.channelCopy,
    channelClaimedAt: e.channelClaimedAt ?? '',
    mailParts: parts.length,
  };
  parts.forEach((part, i) => (row[`mail${i}`] = part));
  return row;
}

function fromRow(row: EscalationRow): Stored {
  const request = JSON.parse(row.request) as StoredRequest;
  const mail = Array.from({ length: row.mailParts }, (_, i) => row[`mail${i}`]).join('');
  return {
    ...request,
    id: row.id,
    reference: row.reference,
    userId: row.userId,
    formId: row.formId,
    createdAt: row.createdAt,
    localDate: row.localDate,
    state: row.state,
    mail: mail ? (JSON.parse(mail) as OutgoingMail) : undefined,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt || undefined,
    inFlightSince: row.inFlightSince || undefined,
    sentAt: row.sentAt || undefined,
    lastError: row.lastError || undefined,
    userOwedNotice: row.userOwedNotice,
    channelCopy: row.channelCopy,
    channelClaimedAt: row.channelClaimedAt || undefined,
  };
}

/** The port's view: the channel claim stays inside the store. */
function view(stored: Stored): Escalation {
  const escalation: Stored = { ...stored };
  delete escalation.channelClaimedAt;
  return escalation;
}

/** Sent or given up: no words and no mail are kept any more. */
function withoutContent(e: Stored): Stored {
  return { ...e, words: undefined, mail: undefined, inFlightSince: undefined, nextAttemptAt: undefined };
}

const isUnsent = (e: Stored) => e.state === 'queued' || e.state === 'composed';

export class AzureEscalationStore implements EscalationStore {
  private readonly userOf = new LRUCache<string, string>({ max: CACHE_SIZE });

  private constructor(
    private readonly table: TableClient,
    private readonly keys: TableClient,
  ) {}

  static async open(account: AzureStorageAccount): Promise<AzureEscalationStore> {
    const [table, keys] = await Promise.all([
      account.ensureTable('escalations'),
      account.ensureTable('escalationkeys'),
    ]);
    return new AzureEscalationStore(table, keys);
  }

  async create(input: NewEscalation, maxPerDay: number, newReference: () => string): Promise<CreateResult> {
    const partition = tableKey(input.userId);
    let reference: string | undefined;
    let result: CreateResult | undefined;
    for (let round = 0; round < MAX_CREATE_ROUNDS && !result; round++) {
      const form = await readRow<FormRow>(this.table, partition, formRowOf(input.formId));
      if (form) {
        const existing = await this.read(partition, form.escalationId);
        // Our own id: an earlier round's transaction went through though its answer was lost.
        if (existing)
          result = { kind: existing.id === input.id ? 'created' : 'duplicate', escalation: view(existing) };
        // A form row whose escalation is gone (purged half-way): remove it and decide again.
        else await deleteIfUnchanged(this.table, form);
        continue;
      }
      const day = await readRow<DayRow>(this.table, partition, dayRowOf(input.localDate));
      const ids = day ? (JSON.parse(day.ids) as string[]) : [];
      if (ids.length >= maxPerDay) {
        const today = await this.readAll(partition, ids);
        // The form and the day are two reads: this very form may have been stored in between, and then it
        // is in the day's list (the same transaction wrote both). A full day without it is a real limit,
        // since no create can commit onto a full day.
        const same = today.find((e) => e.formId === input.formId);
        result = same ? { kind: 'duplicate', escalation: same } : { kind: 'limit', today };
        continue;
      }
      reference ??= await this.reserve(input, newReference);
      // Lost the race (the form or the day changed since they were read): nothing written, look again.
      const stored = await this.commit(input, reference, day, ids);
      if (stored) result = { kind: 'created', escalation: view(stored) };
    }
    // Decided "duplicate" or "limit": this create never committed (had it, its form row would name it), so
    // its reservations go back. On an error the outcome is unknown and they stay: a key pointing at nothing
    // is harmless, and the purge removes it.
    if (reference && (result?.kind === 'duplicate' || result?.kind === 'limit')) {
      await this.unreserve(input.id, reference);
    }
    if (!result) throw new ConcurrencyError('escalation');
    return result;
  }

  /**
   * One entity group transaction in the user's partition: the escalation, its form row, and the day row
   * (created, or replaced under the etag it was read with). Undefined when any of them changed meanwhile.
   */
  private async commit(
    input: NewEscalation,
    reference: string,
    day: Read<DayRow> | undefined,
    ids: string[],
  ): Promise<Stored | undefined> {
    const partitionKey = tableKey(input.userId);
    const stored: Stored = {
      ...input,
      reference,
      state: 'queued',
      attempts: 0,
      nextAttemptAt: input.createdAt,
      userOwedNotice: false,
    };
    const form: TableEntity<FormRow> = {
      partitionKey,
      rowKey: formRowOf(input.formId),
      kind: 'form',
      escalationId: input.id,
      createdAt: input.createdAt,
    };
    const dayRow: TableEntity<DayRow> = {
      partitionKey,
      rowKey: dayRowOf(input.localDate),
      kind: 'day',
      ids: JSON.stringify([...ids, input.id]),
      createdAt: input.createdAt,
    };
    const actions: TransactionAction[] = [
      ['create', toRow(stored)],
      ['create', form],
      day ? ['update', dayRow, 'Replace', { etag: day.etag }] : ['create', dayRow],
    ];
    // Read back as stored, so the answer is exactly what `get` will return.
    return (await transact(this.table, actions)) ? fromRow(toRow(stored)) : undefined;
  }

  /** Reserves a free reference and the id's key for `input` (insert-if-absent across all users). */
  private async reserve(input: NewEscalation, newReference: () => string): Promise<string> {
    const key = (partitionKey: string): TableEntity<KeyRow> => ({
      partitionKey,
      rowKey: KEY_ROW,
      userId: input.userId,
      escalationId: input.id,
      createdAt: input.createdAt,
    });
    // Ids are fresh UUIDs: a 409 can only be our own earlier try.
    await insertIfAbsent(this.keys, key(`id_${tableKey(input.id)}`));
    this.remember(input.id, input.userId);
    for (let i = 0; i < MAX_REFERENCE_TRIES; i++) {
      const reference = newReference();
      if (await insertIfAbsent(this.keys, key(`ref_${tableKey(reference)}`))) return reference;
    }
    throw new Error('no free escalation reference');
  }

  /** A create that did not happen gives its reference and id key back (best effort: the purge catches the rest). */
  private async unreserve(id: string, reference: string): Promise<void> {
    for (const partitionKey of [`ref_${tableKey(reference)}`, `id_${tableKey(id)}`]) {
      const row = await readRow<KeyRow>(this.keys, partitionKey, KEY_ROW).catch(() => undefined);
      if (row?.escalationId === id) await deleteIfUnchanged(this.keys, row).catch(() => false);
    }
    this.userOf.delete(id);
  }

  private remember(id: string, userId: string): void {
    this.userOf.set(id, userId);
  }

  /** The partition of escalation `id`: from the cache, else from its key row. */
  private async partitionOf(id: string): Promise<string | undefined> {
    let userId = this.userOf.get(id);
    if (!userId) {
      userId = (await readRow<KeyRow>(this.keys, `id_${tableKey(id)}`, KEY_ROW))?.userId;
      if (!userId) return undefined;
      this.remember(id, userId);
    }
    return tableKey(userId);
  }

  private async read(partition: string, id: string): Promise<Stored | undefined> {
    const row = await readRow<EscalationRow>(this.table, partition, rowOf(id));
    return row && fromRow(row);
  }

  private async readAll(partition: string, ids: string[]): Promise<Escalation[]> {
    const found = await Promise.all(ids.map((id) => this.read(partition, id)));
    return found
      .filter((e): e is Stored => e !== undefined)
      .map(view)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Compare-and-set on escalation `id`: `decide` gets the latest version; undefined leaves it as it is. */
  private async change(id: string, decide: (current: Stored) => Stored | undefined): Promise<boolean> {
    const partition = await this.partitionOf(id);
    if (!partition) return false;
    const outcome = await replaceIfUnchanged<EscalationRow>(this.table, partition, rowOf(id), (row) => {
      const next = decide(fromRow(row));
      return next && toRow(next);
    });
    return outcome === 'written';
  }

  private async where(filter: string): Promise<Stored[]> {
    const rows = await scan<EscalationRow>(this.table, `kind eq 'escalation' and ${filter}`);
    for (const row of rows) this.remember(row.id, row.userId);
    return rows.map(fromRow);
  }

  async get(id: string): Promise<Escalation | undefined> {
    const partition = await this.partitionOf(id);
    const stored = partition && (await this.read(partition, id));
    return stored ? view(stored) : undefined;
  }

  async findByReference(reference: string): Promise<Escalation | undefined> {
    const key = await readRow<KeyRow>(this.keys, `ref_${tableKey(reference)}`, KEY_ROW);
    if (!key) return undefined;
    this.remember(key.escalationId, key.userId);
    const stored = await this.read(tableKey(key.userId), key.escalationId);
    // A key left by a create that lost points at nothing (or, never, at another reference).
    return stored?.reference === reference ? view(stored) : undefined;
  }

  async due(now: Date, limit: number): Promise<Escalation[]> {
    const due = await this.where(
      `${UNSENT} and inFlightSince eq '' and nextAttemptAt ne '' and ` +
        odata`nextAttemptAt le ${now.toISOString()}`,
    );
    return due
      .map(view)
      .sort(
        (a, b) =>
          Number(isUrgent(b.category)) - Number(isUrgent(a.category)) ||
          a.nextAttemptAt!.localeCompare(b.nextAttemptAt!),
      )
      .slice(0, limit);
  }

  async unsettled(limit: number): Promise<Escalation[]> {
    const rows = await this.where(UNSENT);
    return rows
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
      .slice(0, limit)
      .map(view);
  }

  async givenUp(limit: number): Promise<Escalation[]> {
    const rows = await this.where(`state eq 'failed'`);
    return rows
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
      .slice(0, limit)
      .map(view);
  }

  async nextDueAt(): Promise<string | undefined> {
    const rows = await scan<EscalationRow>(
      this.table,
      `kind eq 'escalation' and ${UNSENT} and inFlightSince eq '' and nextAttemptAt ne ''`,
      { select: ['PartitionKey', 'RowKey', 'nextAttemptAt'] },
    );
    return rows.map((r) => r.nextAttemptAt).sort()[0];
  }

  async interrupted(startedBy: Date): Promise<Escalation[]> {
    const rows = await this.where(
      `${UNSENT} and inFlightSince ne '' and ` + odata`inFlightSince le ${startedBy.toISOString()}`,
    );
    return rows.sort((a, b) => a.inFlightSince!.localeCompare(b.inFlightSince!)).map(view);
  }

  async saveComposed(id: string, mail: OutgoingMail): Promise<void> {
    await this.change(id, (e) => (e.state === 'queued' ? { ...e, state: 'composed', mail } : undefined));
  }

  claimAttempt(id: string, at: Date): Promise<boolean> {
    const now = at.toISOString();
    return this.change(id, (e) =>
      e.state === 'composed' && !e.inFlightSince && e.nextAttemptAt !== undefined && e.nextAttemptAt <= now
        ? { ...e, attempts: e.attempts + 1, inFlightSince: now }
        : undefined,
    );
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.change(id, (e) => ({ ...withoutContent(e), state: 'sent', sentAt: at.toISOString() }));
  }

  async markRetry(id: string, nextAt: Date, error: string): Promise<void> {
    await this.change(id, (e) =>
      isUnsent(e)
        ? { ...e, inFlightSince: undefined, nextAttemptAt: nextAt.toISOString(), lastError: error }
        : undefined,
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.change(id, (e) =>
      isUnsent(e) ? { ...withoutContent(e), state: 'failed', lastError: error } : undefined,
    );
  }

  releaseInterrupted(id: string, inFlightSince: string, at: Date): Promise<boolean> {
    return this.change(id, (e) =>
      isUnsent(e) && e.inFlightSince === inFlightSince
        ? { ...e, inFlightSince: undefined, nextAttemptAt: at.toISOString() }
        : undefined,
    );
  }

  async setUserOwedNotice(id: string, owed: boolean): Promise<void> {
    await this.change(id, (e) => (e.userOwedNotice === owed ? undefined : { ...e, userOwedNotice: owed }));
  }

  takeUserNotice(id: string): Promise<boolean> {
    return this.change(id, (e) => (e.userOwedNotice ? { ...e, userOwedNotice: false } : undefined));
  }

  async noticesOwed(): Promise<Escalation[]> {
    const rows = await this.where(`userOwedNotice eq true and (state eq 'sent' or state eq 'failed')`);
    return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(view);
  }

  async setChannelCopy(id: string, state: Escalation['channelCopy']): Promise<void> {
    await this.change(id, (e) => ({ ...e, channelCopy: state, channelClaimedAt: undefined }));
  }

  claimChannelCopy(id: string, at: Date, expiredBefore: Date): Promise<boolean> {
    const expired = expiredBefore.toISOString();
    return this.change(id, (e) =>
      e.channelCopy === 'owed' && (!e.channelClaimedAt || e.channelClaimedAt <= expired)
        ? { ...e, channelClaimedAt: at.toISOString() }
        : undefined,
    );
  }

  async channelCopiesOwed(): Promise<Escalation[]> {
    const rows = await this.where(`channelCopy eq 'owed' and (state eq 'sent' or state eq 'failed')`);
    return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(view);
  }

  /** A scan of the escalation rows' state alone (a few thousand rows within the retention period). */
  async countByState(): Promise<Record<DeliveryState, number>> {
    const counts: Record<DeliveryState, number> = { queued: 0, composed: 0, sent: 0, failed: 0 };
    const rows = await scan<{ state: DeliveryState }>(this.table, `kind eq 'escalation'`, {
      select: ['state'],
    });
    for (const row of rows) if (row.state in counts) counts[row.state] += 1;
    return counts;
  }

  /**
   * Deletes everything created before `cutoff`: escalations, their form and day rows, and key rows (also
   * those left by creates that lost). Each row goes under its etag, so one changed meanwhile stays; the
   * daily job on every instance runs this, and a row already deleted by another is simply skipped.
   */
  async purgeCreatedBefore(cutoff: Date): Promise<number> {
    const old = odata`createdAt lt ${cutoff.toISOString()}`;
    let escalations = 0;
    for (const row of await scan<{ kind: string }>(this.table, old, { select: KEYS_AND_KIND })) {
      if ((await deleteIfUnchanged(this.table, row)) && row.kind === 'escalation') escalations++;
    }
    for (const row of await scan<KeyRow>(this.keys, old, { select: KEYS_AND_KIND })) {
      await deleteIfUnchanged(this.keys, row);
    }
    return escalations;
  }

  /** The partitions of the escalations table (one per user), and the users the key rows name. */
  async heldUserIds(): Promise<Set<string>> {
    const held = new Set<string>();
    for (const row of await scan<object>(this.table, undefined, { select: ['PartitionKey'] })) {
      held.add(fromTableKey(row.partitionKey));
    }
    for (const row of await scan<KeyRow>(this.keys, undefined, { select: ['userId'] })) held.add(row.userId);
    return held;
  }

  async exportUser(userId: string): Promise<Escalation[]> {
    const rows = await scan<EscalationRow>(
      this.table,
      odata`PartitionKey eq ${tableKey(userId)} and kind eq 'escalation'`,
    );
    return rows
      .map(fromRow)
      .map(view)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The user's partition (escalations, form and day rows), then the key rows that name them. */
  async eraseUser(userId: string): Promise<number> {
    const partition = odata`PartitionKey eq ${tableKey(userId)}`;
    const escalations = await scan<EscalationRow>(this.table, `${partition} and kind eq 'escalation'`, {
      select: ['id'],
    });
    await deleteWhere(this.table, partition, { whatever: true });
    // A scan of the key rows: two per escalation kept within the retention period.
    await deleteWhere(this.keys, odata`userId eq ${userId}`, { whatever: true });
    for (const row of escalations) this.userOf.delete(row.id);
    return escalations.length;
  }
}
