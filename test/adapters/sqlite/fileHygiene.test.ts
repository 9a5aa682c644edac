/**
 * The database on disk: DATA_DIR readable by the bot's account only (made so, or tightened and logged), the
 * database and its -wal and -shm files 0600 whatever the umask, deleted rows zeroed (secure_delete) and not
 * left in the write-ahead log, and names in references saved by an older version removed by a migration.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { SqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { openStores, sqliteStores } from '../../../src/adapters/storage';
import { loadConfig } from '../../../src/config/env';
import { PersonalDataService } from '../../../src/privacy/personalData';
import { tempDataDir } from '../../support/botProcess';
import { captureLog } from '../../support/logCapture';

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const PUPIL = '7a000000-0000-4000-8000-0000000000a1';

describe('SQLite files: permissions and deleted data', () => {
  let parent: string;
  let umask: number;
  beforeEach(() => {
    parent = tempDataDir('mfa-buddy-hygiene-');
    // The usual default: files 0644 and folders 0755 unless the code asks for less.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('creates DATA_DIR 0700 and the database, -wal and -shm 0600', async () => {
    const dataDir = path.join(parent, 'data');
    const stores = sqliteStores(SqliteDatabase.open(dataDir));
    try {
      await stores.progress.put(PUPIL, {
        step: 'welcome',
        history: [],
        updatedAt: '2026-11-30T10:00:00.000Z',
      });
      expect(mode(dataDir).toString(8)).to.equal('700');
      for (const file of ['bot.sqlite', 'bot.sqlite-wal', 'bot.sqlite-shm']) {
        expect(mode(path.join(dataDir, file)).toString(8), file).to.equal('600');
      }
    } finally {
      stores.close();
    }
  });

  it('tightens a DATA_DIR and a database left readable by others, and says so in the log', async () => {
    const dataDir = path.join(parent, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.writeFileSync(path.join(dataDir, 'bot.sqlite'), '', { mode: 0o644 });
    const logs = captureLog();
    const stores = await openStores(loadConfig({ DATA_DIR: dataDir }), logs.log);
    stores.close();
    expect(mode(dataDir).toString(8)).to.equal('700');
    expect(mode(path.join(dataDir, 'bot.sqlite')).toString(8)).to.equal('600');
    expect(logs.find(/DATA_DIR was readable by other accounts/)).to.have.length(1);
  });

  it('has secure_delete on, and leaves no trace of an erased person in the database files', async () => {
    const dataDir = path.join(parent, 'data');
    const database = SqliteDatabase.open(dataDir);
    const stores = sqliteStores(database);
    try {
      expect(database.db.pragma('secure_delete', { simple: true })).to.equal(1);
      await stores.progress.put(PUPIL, {
        step: 'welcome',
        history: [],
        updatedAt: '2026-11-30T10:00:00.000Z',
      });
      await stores.escalations.create(
        {
          id: '7a000000-0000-4000-8000-0000000000e1',
          userId: PUPIL,
          formId: 'form-1',
          category: 'other',
          way: 'walkIn',
          step: 'welcome',
          words: { text: 'Quetzalcoatl-was-my-password-hint', truncated: false },
          createdAt: '2026-11-30T10:00:00.000Z',
          localDate: '2026-11-30',
          channelCopy: 'none',
        },
        3,
        () => 'MFA-ABCD',
      );
      // Both files: the log holds recent writes until a checkpoint copies them into the database file.
      const files = () =>
        Buffer.concat(
          ['bot.sqlite', 'bot.sqlite-wal']
            .map((f) => path.join(dataDir, f))
            .filter((f) => fs.existsSync(f))
            .map((f) => fs.readFileSync(f)),
        ).toString('latin1');
      database.flushDeleted();
      expect(files()).to.include('Quetzalcoatl');
      await new PersonalDataService(stores).eraseUser(PUPIL);
      expect(files()).to.not.include('Quetzalcoatl');
      expect(files()).to.not.include(PUPIL);
    } finally {
      stores.close();
    }
  });

  it('removes the names from references an older version stored, in the file too', async () => {
    const dataDir = path.join(parent, 'data');
    fs.mkdirSync(dataDir);
    // A database as the previous version left it: migration v1 applied, a reference with the user's name.
    const old = new Database(path.join(dataDir, 'bot.sqlite'));
    old.pragma('journal_mode = WAL');
    old.exec(`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT;
      INSERT INTO schema_migrations VALUES ('conversation_references.v1', '2026-09-01T00:00:00Z');
      CREATE TABLE conversation_references (user_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL, service_url TEXT NOT NULL, reference TEXT NOT NULL,
        updated_at TEXT NOT NULL) STRICT;`);
    old.prepare('INSERT INTO conversation_references VALUES (?, ?, ?, ?, ?, ?)').run(
      PUPIL,
      'tenant',
      'a:1',
      'https://smba.trafficmanager.net/uk/',
      JSON.stringify({
        user: { id: '29:x', name: 'Zanzibar Pupilname', aadObjectId: PUPIL },
        conversation: { id: 'a:1' },
      }),
      '2026-11-30T10:00:00.000Z',
    );
    old.close();
    expect(fs.readFileSync(path.join(dataDir, 'bot.sqlite')).toString('latin1')).to.include('Zanzibar');

    const stores = sqliteStores(SqliteDatabase.open(dataDir));
    try {
      const files = ['bot.sqlite', 'bot.sqlite-wal']
        .map((f) => path.join(dataDir, f))
        .filter((f) => fs.existsSync(f));
      expect(Buffer.concat(files.map((f) => fs.readFileSync(f))).toString('latin1')).to.not.include(
        'Zanzibar',
      );
      expect((await stores.references.get(PUPIL))?.reference).to.deep.equal({
        user: { id: '29:x', aadObjectId: PUPIL },
        conversation: { id: 'a:1' },
      });
    } finally {
      stores.close();
    }
  });
});
