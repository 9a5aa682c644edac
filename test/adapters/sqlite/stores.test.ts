import fs from 'node:fs';
import { expect } from 'chai';
import { SqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { sqliteStores } from '../../../src/adapters/storage';
import { tempDataDir } from '../../support/botProcess';
import { sqlitePlace } from '../../support/storagePlaces';
import { describeEscalationStoreContracts } from '../../contracts/escalationStoreContracts';
import { describeStoreContracts } from '../../contracts/storeContracts';
import { describeSupportCodeContracts } from '../../contracts/supportCodeContracts';
import { describePersonalDataContracts } from '../../contracts/personalDataContracts';
import { describeTemporaryAccessPassGrantContracts } from '../../contracts/temporaryAccessPassGrantContracts';

describeStoreContracts('SQLite', async () => {
  const place = await sqlitePlace();
  const stores = await place.open();
  return { ...stores, close: () => void place.close() };
});
describeEscalationStoreContracts('SQLite', sqlitePlace);
describeSupportCodeContracts('SQLite', sqlitePlace);
describePersonalDataContracts('SQLite', sqlitePlace);
describeTemporaryAccessPassGrantContracts('SQLite', sqlitePlace);

describe('SQLite conversation references saved before the Teams language was kept', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('still load, without a language, and take one at the next save', async () => {
    dir = tempDataDir('mfa-buddy-old-references-');
    // The table as the previous release left it: no locale column.
    const old = SqliteDatabase.open(dir);
    old.migrate(
      'conversation_references.v1',
      `CREATE TABLE conversation_references (
        user_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
        service_url TEXT NOT NULL, reference TEXT NOT NULL, updated_at TEXT NOT NULL
      ) STRICT`,
    );
    old.migrate('conversation_references.v2.no_names', 'SELECT 1');
    const ref = {
      userId: '00000000-0000-4000-8000-0000000000d1',
      tenantId: '5c4f0d3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f',
      conversationId: 'a:1',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      reference: { conversation: { id: 'a:1' } },
      updatedAt: '2026-11-30T10:00:00.000Z',
    };
    old.db
      .prepare('INSERT INTO conversation_references VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        ref.userId,
        ref.tenantId,
        ref.conversationId,
        ref.serviceUrl,
        '{"conversation":{"id":"a:1"}}',
        ref.updatedAt,
      );
    old.close();

    const stores = sqliteStores(SqliteDatabase.open(dir));
    try {
      expect(await stores.references.get(ref.userId)).to.deep.equal(ref);
      await stores.references.save({ ...ref, locale: 'pl-PL' });
      expect((await stores.references.get(ref.userId))?.locale).to.equal('pl-PL');
    } finally {
      stores.close();
    }
  });
});
