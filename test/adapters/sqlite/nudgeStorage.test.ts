import fs from 'node:fs';
import { SqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { SqliteLeaseStore } from '../../../src/adapters/sqlite/sqliteLeaseStore';
import { SqliteNudgeLedger } from '../../../src/adapters/sqlite/sqliteNudgeLedger';
import { SqliteNudgeQueue } from '../../../src/adapters/sqlite/sqliteNudgeQueue';
import { tempDataDir } from '../../support/botProcess';
import { describeNudgeStorageContract } from '../../support/nudgeStorageContract';

describeNudgeStorageContract('SQLite (two connections to one file, a fake clock)', () => {
  const dir = tempDataDir('mfa-buddy-nudge-store-');
  let now = Date.parse('2027-01-04T08:30:00Z');
  const clock = () => now;
  const databases: SqliteDatabase[] = [];
  const handle = () => {
    const database = SqliteDatabase.open(dir);
    databases.push(database);
    return {
      ledger: new SqliteNudgeLedger(database),
      queue: new SqliteNudgeQueue(database, clock),
      leases: new SqliteLeaseStore(database, clock),
    };
  };
  return Promise.resolve({
    ...handle(),
    other: () => Promise.resolve(handle()),
    unitMs: 100,
    leaseMs: 400,
    elapse: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
    close: () => {
      for (const d of databases) d.close();
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});
