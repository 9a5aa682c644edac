/**
 * The few Azure Tables operations the stores build their guarantees from, each under `storageDeadline()`:
 * insert-if-absent (409 when the row exists), read-decide-write under the row's etag (412 when someone
 * wrote it since, then decide again from fresh data), delete-if-unchanged, entity group transactions
 * (all-or-nothing across rows of ONE partition), and filtered scans. Shared by the escalation and
 * support-code stores so that every store retries races the same way.
 */
import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import { ConcurrencyError } from '../../ports/versioned';
import { hasStatus, storageDeadline } from './azureStorageAccount';

/** A row as read back: its properties, its keys and the etag the service gave it. */
export type Read<T> = T & { partitionKey: string; rowKey: string; etag: string };

/** Rounds of read-decide-write before giving up on a row that keeps changing under us. */
const MAX_ROUNDS = 25;

/**
 * A value made safe for PartitionKey/RowKey, which may not hold `/ \ # ?` or control characters. Ids from
 * Entra are GUIDs already; form ids and dates come from elsewhere, so everything goes through here.
 */
export function tableKey(value: string): string {
  return value.replace(
    // Control characters are exactly what this escapes.
    // eslint-disable-next-line no-control-regex
    /[%/\\#?\u0000-\u001f\u007f-\u009f]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** The value a `tableKey` was made from. */
export function fromTableKey(key: string): string {
  return key.replace(/%([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The row, or undefined when there is none (404). */
export async function readRow<T extends object>(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<Read<T> | undefined> {
  try {
    // A row read by its keys always comes back with them (the SDK's type leaves them optional).
    return (await table.getEntity<T>(partitionKey, rowKey, { abortSignal: storageDeadline() })) as Read<T>;
  } catch (error) {
    if (hasStatus(error, 404)) return undefined;
    throw error;
  }
}

/**
 * Inserts `entity` unless its row exists. Undefined when it does (409: someone else was first); else the new
 * row's etag, for a later write that should fail if anything changed the row since.
 */
export async function insertIfAbsent<T extends object>(
  table: TableClient,
  entity: TableEntity<T>,
): Promise<{ etag?: string } | undefined> {
  try {
    const created = await table.createEntity(entity, { abortSignal: storageDeadline() });
    return { etag: created.etag };
  } catch (error) {
    if (hasStatus(error, 409)) return undefined;
    throw error;
  }
}

/** Deletes the row if it is still the version read (`etag`); false when it changed or is gone already. */
export async function deleteIfUnchanged(
  table: TableClient,
  row: { partitionKey: string; rowKey: string; etag: string },
): Promise<boolean> {
  try {
    await table.deleteEntity(row.partitionKey, row.rowKey, {
      etag: row.etag,
      abortSignal: storageDeadline(),
    });
    return true;
  } catch (error) {
    if (hasStatus(error, 404) || hasStatus(error, 412)) return false;
    throw error;
  }
}

/**
 * Reads a row, asks `decide` what it should become, and replaces it under the etag that was read: a
 * compare-and-set. A 412 (written meanwhile) reads again and asks again, so the decision is always made
 * on the latest version. `decide` returns undefined to leave the row as it is.
 * Returns 'written', 'unchanged', or 'absent' (no such row).
 */
export async function replaceIfUnchanged<T extends object>(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
  decide: (current: Read<T>) => TableEntity<T> | undefined,
): Promise<'written' | 'unchanged' | 'absent'> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const current = await readRow<T>(table, partitionKey, rowKey);
    if (!current) return 'absent';
    const next = decide(current);
    if (!next) return 'unchanged';
    try {
      await table.updateEntity(next, 'Replace', { etag: current.etag, abortSignal: storageDeadline() });
      return 'written';
    } catch (error) {
      // 412: written since we read it; 404: deleted since. Either way, look again.
      if (!hasStatus(error, 412) && !hasStatus(error, 404)) throw error;
    }
  }
  throw new ConcurrencyError(`${table.tableName} ${partitionKey}/${rowKey}`);
}

/**
 * Submits an entity group transaction (rows of one partition, all or nothing). False when it lost a race:
 * a row it creates exists (409), a row it updates changed (412) or went away (404). Nothing was written then.
 */
export async function transact(table: TableClient, actions: TransactionAction[]): Promise<boolean> {
  try {
    await table.submitTransaction(actions, { abortSignal: storageDeadline() });
    return true;
  } catch (error) {
    if (hasStatus(error, 409) || hasStatus(error, 412) || hasStatus(error, 404)) return false;
    throw error;
  }
}

/**
 * Every row matching an OData `filter` (build it with the SDK's `odata` template, which escapes values),
 * in key order (PartitionKey, then RowKey), up to `limit`; no filter lists the table.
 * A scan: the service reads the whole table (or the partitions the filter names) to answer it. The callers
 * say why that is fine at a school's scale.
 */
export async function scan<T extends object>(
  table: TableClient,
  filter: string | undefined,
  options: { select?: string[]; limit?: number } = {},
): Promise<Read<T>[]> {
  const rows: Read<T>[] = [];
  const abortSignal = storageDeadline();
  for await (const row of table.listEntities<T>({
    queryOptions: { filter, select: options.select },
    abortSignal,
  })) {
    rows.push(row as Read<T>);
    if (options.limit !== undefined && rows.length >= options.limit) break;
  }
  return rows;
}

/**
 * Deletes every row matching `filter`; returns how many went. A purge deletes each row under the etag it was
 * read with, so a row rewritten meanwhile (its user came back) stays; an erase (`whatever: true`) deletes
 * it whatever happened to it since. A scan, then one delete per row.
 */
export async function deleteWhere(
  table: TableClient,
  filter: string,
  options: { whatever?: boolean } = {},
): Promise<number> {
  let deleted = 0;
  for (const row of await scan<object>(table, filter, { select: ['PartitionKey', 'RowKey'] })) {
    if (options.whatever ? await deleteRow(table, row) : await deleteIfUnchanged(table, row)) deleted++;
  }
  return deleted;
}

/** Deletes a row whatever its version; false when it is gone already. */
export async function deleteRow(
  table: TableClient,
  row: { partitionKey: string; rowKey: string },
): Promise<boolean> {
  try {
    await table.deleteEntity(row.partitionKey, row.rowKey, { abortSignal: storageDeadline() });
    return true;
  } catch (error) {
    if (hasStatus(error, 404)) return false;
    throw error;
  }
}

/** A string property holds at most 32K UTF-16 units; longer text is kept in parts below this size. */
const PART_SIZE = 30_000;

/** `text` in parts that each fit a string property, never splitting a surrogate pair. */
export function splitText(text: string): string[] {
  const parts: string[] = [];
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + PART_SIZE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(text.slice(at, end));
    at = end;
  }
  return parts;
}
