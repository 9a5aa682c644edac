/**
 * People who left the tenant, at the retention pass, against the Graph stand-in: the ids held are checked in
 * bulk (the tenant's user list, a page at a time; never one call per person), the data of those Graph no longer
 * has is erased, and when Graph cannot answer (or answers something unbelievable) nothing is erased.
 */
import { expect } from 'chai';
import type { GraphDirectoryParts } from '../../src/adapters/graph/createGraphDirectory';
import type { Stores } from '../../src/adapters/storage';
import { RetentionJob } from '../../src/conversation/retentionJob';
import { eraseLeavers } from '../../src/privacy/leavers';
import { PersonalDataService } from '../../src/privacy/personalData';
import { TestClock } from '../support/conversationHarness';
import { graphDirectoryOn } from '../support/graph/graphDirectoryOn';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { graphMethod } from '../support/graph/methodShapes';
import { captureLog, type CapturedLog } from '../support/logCapture';
import { sqlitePlace, type StoragePlace } from '../support/storagePlaces';

const id = (n: number) => `6e000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const AT = '2026-11-30T09:00:00.000Z';

async function keepSomething(stores: Stores, userId: string): Promise<void> {
  await stores.progress.put(userId, { step: 'welcome', history: [], updatedAt: AT });
  await stores.followUps.add({ userId, kind: 'status', requestedAt: AT });
  await stores.supportCodes.createSecretIfAbsent({ userId, sealed: 'v1:sealed', createdAt: AT });
}

describe('leavers: erased at the retention pass when Graph no longer has them', () => {
  let graph: GraphStandIn;
  let parts: GraphDirectoryParts;
  let place: StoragePlace;
  let stores: Stores;
  let logs: CapturedLog;
  let personal: PersonalDataService;

  beforeEach(async () => {
    graph = await GraphStandIn.start({ maxPageSize: 2 });
    for (const n of [1, 2, 3]) {
      graph.addUser({
        id: id(n),
        displayName: `Pupil ${n}`,
        userPrincipalName: `pupil${n}@kscs.org.uk`,
        methods: [graphMethod.password()],
      });
    }
    logs = captureLog();
    parts = graphDirectoryOn(graph, {
      requestTimeoutMs: 2000,
      schoolDomains: ['kscs.org.uk'],
      log: logs.log,
      attempts: { interactive: 2, background: 2 },
      maxBackoffMs: 20,
    });
    place = await sqlitePlace();
    stores = await place.open();
    personal = new PersonalDataService(stores);
  });

  afterEach(async () => {
    parts.close();
    await graph.close();
    await place.close();
  });

  const pass = () =>
    new RetentionJob({
      purges: [],
      leavers: () => eraseLeavers({ directory: parts.directory, personalData: personal, log: logs.log }),
      clock: new TestClock(new Date(AT)),
      log: logs.log,
    }).runOnce();

  it('erases everything of a user who left, keeps those still there, and reads the user list in pages', async () => {
    await keepSomething(stores, id(1));
    await keepSomething(stores, id(3));
    await keepSomething(stores, id(9)); // left the school: not in the tenant any more
    await pass();
    expect([...(await personal.heldUserIds())].sort()).to.deep.equal([id(1), id(3)]);
    expect(await stores.progress.get(id(9))).to.equal(undefined);
    expect(await stores.supportCodes.getSecret(id(9))).to.equal(undefined);
    expect((await stores.followUps.list()).map((f) => f.userId)).to.deep.equal([id(1), id(3)]);
    expect(logs.find(/erased the data of a user who left the tenant/).map((l) => l.userId)).to.deep.equal([
      id(9),
    ]);
    // Three users, two per page: two requests for the whole tenant, none per person.
    const calls = graph.tenant.server.requestsTo(/^\/v1\.0\/users/);
    expect(calls.map((c) => c.path)).to.deep.equal(['/v1.0/users', '/v1.0/users']);
  });

  it('erases nothing when Graph cannot list the users, and logs that the check was skipped', async () => {
    await keepSomething(stores, id(1));
    await keepSomething(stores, id(9));
    graph.tenant.server.failNext({ kind: 'status', status: 503 }, { path: /^\/v1\.0\/users$/, times: 5 });
    await pass();
    expect([...(await personal.heldUserIds())].sort()).to.deep.equal([id(1), id(9)]);
    expect(logs.find(/leavers check skipped: the directory could not say/)).to.have.length(1);
    expect(logs.find(/erased the data/)).to.deep.equal([]);
  });

  it('erases nothing when the directory is missing most of the people held (a wrong tenant looks like that)', async () => {
    for (let n = 1; n <= 14; n++) await keepSomething(stores, id(n));
    await pass();
    expect((await personal.heldUserIds()).size).to.equal(14);
    expect(logs.find(/missing most of the people held/)).to.have.length(1);
  });
});
