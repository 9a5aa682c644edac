/**
 * The desk's Temporary Access Pass grants in Azure Tables, safe with several bot instances at once.
 *
 * Table `tapgrants`: one row per grant (partition = the grant's random id). A claim, a confirmation, a
 * settlement and a release are each a read-decide-replace under the row's etag: of two presses of one button
 * landing on two instances, one writes its claim and the other gets 412, reads the claim and is refused.
 * Purges and the personal-data export scan the table (a school's few passes a day keep it small).
 */
import { odata, type TableClient, type TableEntity } from '@azure/data-tables';
import {
  grantAsSeenBy,
  type ExportedGrant,
  type GrantOutcome,
  type TemporaryAccessPassGrant,
  type TemporaryAccessPassGrantStore,
} from '../../ports/temporaryAccessPassGrants';
import { storageDeadline, type AzureStorageAccount } from './azureStorageAccount';
import {
  deleteIfUnchanged,
  deleteWhere,
  fromTableKey,
  readRow,
  replaceIfUnchanged,
  scan,
  tableKey,
  type Read,
} from './tableOps';

/** The grant without its id (the partition key); optional fields are left out when unset. */
type GrantRow = Omit<TemporaryAccessPassGrant, 'id'>;

const GRANT_ROW = 'grant';

function toGrant(row: Read<GrantRow>): TemporaryAccessPassGrant {
  const grant: TemporaryAccessPassGrant = {
    id: fromTableKey(row.partitionKey),
    deskMemberId: row.deskMemberId,
    userId: row.userId,
    createdAt: row.createdAt,
    via: row.via,
  };
  if (row.confirmedInPersonAt) grant.confirmedInPersonAt = row.confirmedInPersonAt;
  if (row.claimedAt) grant.claimedAt = row.claimedAt;
  if (row.outcome) grant.outcome = row.outcome;
  if (row.settledAt) grant.settledAt = row.settledAt;
  return grant;
}

function grantRow(grant: TemporaryAccessPassGrant): TableEntity<GrantRow> {
  const { id, ...rest } = grant;
  const row: TableEntity<GrantRow> = { partitionKey: tableKey(id), rowKey: GRANT_ROW, ...rest };
  for (const key of Object.keys(row) as (keyof typeof row)[]) if (row[key] === undefined) delete row[key];
  return row;
}

export class AzureTemporaryAccessPassGrantStore implements TemporaryAccessPassGrantStore {
  private constructor(private readonly grants: TableClient) {}

  static async open(account: AzureStorageAccount): Promise<AzureTemporaryAccessPassGrantStore> {
    return new AzureTemporaryAccessPassGrantStore(await account.ensureTable('tapgrants'));
  }

  async create(grant: TemporaryAccessPassGrant): Promise<void> {
    await this.grants.createEntity(grantRow(grant), { abortSignal: storageDeadline() });
  }

  async get(id: string): Promise<TemporaryAccessPassGrant | undefined> {
    const row = await readRow<GrantRow>(this.grants, tableKey(id), GRANT_ROW);
    return row && toGrant(row);
  }

  /** Reads, asks `change` for the new grant (undefined: leave it), writes under the etag; true when written. */
  private async change(
    id: string,
    change: (grant: TemporaryAccessPassGrant) => TemporaryAccessPassGrant | undefined,
  ): Promise<boolean> {
    const outcome = await replaceIfUnchanged<GrantRow>(this.grants, tableKey(id), GRANT_ROW, (row) => {
      const next = change(toGrant(row));
      return next && grantRow(next);
    });
    return outcome === 'written';
  }

  confirmInPerson(id: string, at: string): Promise<boolean> {
    return this.change(id, (g) =>
      g.via === 'inPerson' && !g.confirmedInPersonAt ? { ...g, confirmedInPersonAt: at } : undefined,
    );
  }

  claim(id: string, at: string): Promise<boolean> {
    return this.change(id, (g) => (g.claimedAt ? undefined : { ...g, claimedAt: at }));
  }

  async settle(id: string, outcome: GrantOutcome, at: string): Promise<void> {
    await this.change(id, (g) => (g.claimedAt && !g.outcome ? { ...g, outcome, settledAt: at } : undefined));
  }

  release(id: string): Promise<boolean> {
    return this.change(id, (g) => {
      if (!g.claimedAt || g.outcome) return undefined;
      const released = { ...g };
      delete released.claimedAt;
      return released;
    });
  }

  async purgeCreatedBefore(cutoff: Date): Promise<number> {
    const old = await scan<GrantRow>(this.grants, odata`createdAt lt ${cutoff.toISOString()}`, {
      select: ['PartitionKey', 'RowKey'],
    });
    let deleted = 0;
    for (const row of old) if (await deleteIfUnchanged(this.grants, row)) deleted++;
    return deleted;
  }

  async heldUserIds(): Promise<Set<string>> {
    const held = new Set<string>();
    for (const row of await scan<GrantRow>(this.grants, undefined, { select: ['deskMemberId', 'userId'] })) {
      held.add(row.deskMemberId);
      held.add(row.userId);
    }
    return held;
  }

  async exportUser(userId: string): Promise<ExportedGrant[]> {
    const rows = await scan<GrantRow>(this.grants, this.about(userId));
    return rows
      .map(toGrant)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((g) => grantAsSeenBy(userId, g));
  }

  eraseUser(userId: string): Promise<number> {
    return deleteWhere(this.grants, this.about(userId), { whatever: true });
  }

  /** Grants this person gave or was given. */
  private about(userId: string): string {
    return odata`deskMemberId eq ${userId} or userId eq ${userId}`;
  }
}
