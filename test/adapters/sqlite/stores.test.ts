import fs from 'node:fs';
import { sqliteStores } from '../../../src/adapters/storage';
import { SqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { tempDataDir } from '../../support/botProcess';
import { describeStoreContracts } from '../../contracts/storeContracts';

describeStoreContracts('SQLite', () => {
  const dir = tempDataDir('mfa-buddy-stores-');
  const stores = sqliteStores(SqliteDatabase.open(dir));
  return Promise.resolve({
    ...stores,
    close: () => {
      stores.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
});
