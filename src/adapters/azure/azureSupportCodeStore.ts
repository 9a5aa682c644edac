/**
 * Support-code secrets and the desk's checks in Azure Tables, safe with several bot instances at once.
 *
 * Table `supportsecrets`: one row per user (partition = Entra id). The first secret is stored with
 * insert-if-absent (of two instances making one at once, the second gets 409 and reads the first's), and
 * the replay guard `lastAcceptedStep` only moves forward, by a read-decide-replace under the row's etag:
 * of two checks of the same code on two instances, one writes and the other gets 412, reads the step the
 * first wrote and is refused.
 *
 * Table `supportchecks`: the audit, which also drives the rate limits. Partition = the UTC day, inverted
 * (newer days sort first); row key = the time, inverted, plus a tie-breaker. So a listing runs newest first
 * (recentChecks reads only what it returns) and a count over the last minutes reads one or two partitions
 * (a range of PartitionKey, then $filter on the time and the person). Counting then recording is not atomic,
 * on either backend: checks racing at the limit may all pass; the limits are there to make guessing a 6-digit
 * code hopeless, which the few checks one person can send at the same moment do not change.
 */
import crypto from 'node:crypto';
import { odata, type TableClient, type TableEntity } from '@azure/data-tables';
import {
  checkAsSeenBy,
  secretPresence,
  type CheckOutcome,
  type ExportedCheck,
  type StoredSupportSecret,
  type SupportCodeCheck,
  type SupportCodeStore,
  type SupportSecretPresence,
} from '../../ports/supportCodeStore';
import { storageDeadline, type AzureStorageAccount } from './azureStorageAccount';
import {
  deleteIfUnchanged,
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

type SecretRow = {
  sealed: string;
  createdAt: string;
  /** Absent until a check accepts a step. */
  lastAcceptedStep?: number;
};

/** Optional fields are '' when unset, so a $filter can compare them. */
type CheckRow = {
  at: string;
  checkerId: string;
  targetUserId: string;
  targetKind: string;
  outcome: CheckOutcome;
};

const SECRET_ROW = 'secret';
const DAY_MS = 86_400_000;
/** Larger than any day number or millisecond time this code will meet (year 2286). */
const LAST_DAY = 99_999;
const LAST_MS = 9_999_999_999_999;

/** Newer days get smaller keys, so partitions list newest first. */
function dayPartition(ms: number): string {
  return String(LAST_DAY - Math.floor(ms / DAY_MS)).padStart(5, '0');
}

function toCheck(r: CheckRow): SupportCodeCheck {
  return {
    at: r.at,
    checkerId: r.checkerId,
    targetUserId: r.targetUserId || undefined,
    targetKind: r.targetKind === 'upn' || r.targetKind === 'reference' ? r.targetKind : undefined,
    outcome: r.outcome,
  };
}

function toSecret(userId: string, row: SecretRow): StoredSupportSecret {
  return {
    userId,
    sealed: row.sealed,
    createdAt: row.createdAt,
    lastAcceptedStep: row.lastAcceptedStep,
  };
}

function secretRow(userId: string, row: SecretRow): TableEntity<SecretRow> {
  return {
    partitionKey: tableKey(userId),
    rowKey: SECRET_ROW,
    sealed: row.sealed,
    createdAt: row.createdAt,
    ...(row.lastAcceptedStep === undefined ? {} : { lastAcceptedStep: row.lastAcceptedStep }),
  };
}

export class AzureSupportCodeStore implements SupportCodeStore {
  private constructor(
    private readonly secrets: TableClient,
    private readonly checks: TableClient,
  ) {}

  static async open(account: AzureStorageAccount): Promise<AzureSupportCodeStore> {
    const [secrets, checks] = await Promise.all([
      account.ensureTable('supportsecrets'),
      account.ensureTable('supportchecks'),
    ]);
    return new AzureSupportCodeStore(secrets, checks);
  }

  async getSecret(userId: string): Promise<StoredSupportSecret | undefined> {
    const row = await readRow<SecretRow>(this.secrets, tableKey(userId), SECRET_ROW);
    return row && toSecret(userId, row);
  }

  async createSecretIfAbsent(secret: StoredSupportSecret): Promise<StoredSupportSecret> {
    await insertIfAbsent(
      this.secrets,
      secretRow(secret.userId, { sealed: secret.sealed, createdAt: secret.createdAt }),
    );
    // Ours, or the one another instance stored first.
    const stored = await this.getSecret(secret.userId);
    if (!stored) throw new Error('support code secret vanished after it was stored');
    return stored;
  }

  async replaceSecret(userId: string, sealed: string, createdAt: string): Promise<void> {
    await replaceIfUnchanged<SecretRow>(this.secrets, tableKey(userId), SECRET_ROW, (row) =>
      secretRow(userId, { sealed, createdAt, lastAcceptedStep: row.lastAcceptedStep }),
    );
  }

  async acceptStep(userId: string, step: number): Promise<boolean> {
    const outcome = await replaceIfUnchanged<SecretRow>(this.secrets, tableKey(userId), SECRET_ROW, (row) =>
      row.lastAcceptedStep !== undefined && row.lastAcceptedStep >= step
        ? undefined
        : secretRow(userId, { ...row, lastAcceptedStep: step }),
    );
    return outcome === 'written';
  }

  async recordCheck(check: SupportCodeCheck): Promise<void> {
    const ms = Date.parse(check.at);
    if (Number.isNaN(ms)) throw new Error('a support code check needs an ISO time');
    // Newest first; checks in the same millisecond in the order they were recorded here, then at random.
    const tieBreak = String(BigInt(10) ** BigInt(18) - process.hrtime.bigint()).padStart(19, '0');
    const row: TableEntity<CheckRow> = {
      partitionKey: dayPartition(ms),
      rowKey: `${String(LAST_MS - ms).padStart(13, '0')}_${tieBreak}_${crypto.randomBytes(4).toString('hex')}`,
      at: check.at,
      checkerId: check.checkerId,
      targetUserId: check.targetUserId ?? '',
      targetKind: check.targetKind ?? '',
      outcome: check.outcome,
    };
    await this.checks.createEntity(row, { abortSignal: storageDeadline() });
  }

  /** Checks since `since` matching `who`: only the partitions from `since`'s day to today are read. */
  private async countSince(since: Date, who: string): Promise<number> {
    const rows = await scan<CheckRow>(
      this.checks,
      odata`PartitionKey le ${dayPartition(since.getTime())} and at ge ${since.toISOString()}` +
        ` and ${who}`,
      { select: ['PartitionKey', 'RowKey'] },
    );
    return rows.length;
  }

  countByChecker(checkerId: string, since: Date): Promise<number> {
    return this.countSince(since, odata`checkerId eq ${checkerId}`);
  }

  countByTarget(targetUserId: string, since: Date): Promise<number> {
    return this.countSince(since, odata`targetUserId eq ${targetUserId}`);
  }

  async recentChecks(limit: number): Promise<SupportCodeCheck[]> {
    const rows: Read<CheckRow>[] = await scan<CheckRow>(this.checks, undefined, { limit });
    return rows.map(toCheck);
  }

  /** Older partitions sort after newer ones: a range of PartitionKey, then the time within the cut-off's day. */
  async purgeChecksBefore(cutoff: Date): Promise<number> {
    const old = await scan<CheckRow>(
      this.checks,
      odata`PartitionKey ge ${dayPartition(cutoff.getTime())} and at lt ${cutoff.toISOString()}`,
      { select: ['PartitionKey', 'RowKey'] },
    );
    let deleted = 0;
    for (const row of old) if (await deleteIfUnchanged(this.checks, row)) deleted++;
    return deleted;
  }

  /** A scan of the secrets made before the cut-off; the step is compared here (Tables cannot test a missing one). */
  async purgeSecretsUnusedSince(cutoff: Date, cutoffStep: number): Promise<number> {
    const old = await scan<SecretRow>(this.secrets, odata`createdAt lt ${cutoff.toISOString()}`, {
      select: ['PartitionKey', 'RowKey', 'lastAcceptedStep'],
    });
    let deleted = 0;
    for (const row of old) {
      if (row.lastAcceptedStep !== undefined && row.lastAcceptedStep >= cutoffStep) continue;
      // Under its etag: a check accepted meanwhile keeps the secret.
      if (await deleteIfUnchanged(this.secrets, row)) deleted++;
    }
    return deleted;
  }

  /** Scans both tables (the checks are kept for the retention period only). */
  async heldUserIds(): Promise<Set<string>> {
    const held = new Set<string>();
    for (const row of await scan<object>(this.secrets, undefined, { select: ['PartitionKey'] })) {
      held.add(fromTableKey(row.partitionKey));
    }
    for (const row of await scan<CheckRow>(this.checks, undefined, {
      select: ['checkerId', 'targetUserId'],
    })) {
      held.add(row.checkerId);
      if (row.targetUserId) held.add(row.targetUserId);
    }
    return held;
  }

  async exportUser(userId: string): Promise<(SupportSecretPresence | ExportedCheck)[]> {
    const secret = await this.getSecret(userId);
    const checks = await scan<CheckRow>(this.checks, this.about(userId));
    // Stored newest first; an export reads oldest first.
    const ordered = checks.map(toCheck).sort((a, b) => a.at.localeCompare(b.at));
    return [...(secret ? [secretPresence(secret)] : []), ...ordered.map((c) => checkAsSeenBy(userId, c))];
  }

  async eraseUser(userId: string): Promise<number> {
    const secret = (await deleteRow(this.secrets, { partitionKey: tableKey(userId), rowKey: SECRET_ROW }))
      ? 1
      : 0;
    return secret + (await deleteWhere(this.checks, this.about(userId), { whatever: true }));
  }

  /** Checks this user made or that were made on them. */
  private about(userId: string): string {
    return odata`checkerId eq ${userId} or targetUserId eq ${userId}`;
  }
}
