import crypto from 'node:crypto';
import { expect } from 'chai';
import { expectRejection } from '../../support/expectRejection';
import { openStores, type Stores } from '../../../src/adapters/storage';
import { ConfigError, loadConfig } from '../../../src/config/env';
import { createLogger } from '../../../src/logging/logger';
import { azureStores } from '../../../src/adapters/azure/azureStores';
import { AzureStorageAccount, parseStorageConnection } from '../../../src/adapters/azure/azureStorageAccount';
import { startAzurite, type Azurite } from '../../support/azurite';
import { describeEscalationStoreContracts } from '../../contracts/escalationStoreContracts';
import { describeStoreContracts } from '../../contracts/storeContracts';
import { describeSupportCodeContracts } from '../../contracts/supportCodeContracts';
import { describePersonalDataContracts } from '../../contracts/personalDataContracts';
import { describeTemporaryAccessPassGrantContracts } from '../../contracts/temporaryAccessPassGrantContracts';
import { azurePlace } from '../../support/storagePlaces';
import { describeNudgeStorageContract } from '../../support/nudgeStorageContract';

describe('Azure Storage backend (Azurite)', () => {
  let azurite: Azurite;
  before(async () => {
    azurite = await startAzurite();
  });
  after(() => azurite.stop());

  /** Each test gets its own tables, so tests cannot see each other's rows. */
  const account = () =>
    new AzureStorageAccount(
      parseStorageConnection(azurite.connectionString),
      `t${crypto.randomBytes(5).toString('hex')}`,
    );

  describeStoreContracts('Azure Tables on Azurite', () => azureStores(account()));
  describeEscalationStoreContracts('Azure Tables on Azurite', () => azurePlace(azurite));
  describeSupportCodeContracts('Azure Tables on Azurite', () => azurePlace(azurite));
  describePersonalDataContracts('Azure Tables, Queues and Blobs on Azurite', () => azurePlace(azurite));
  describeTemporaryAccessPassGrantContracts('Azure Tables on Azurite', () => azurePlace(azurite));
  describeNudgeStorageContract('Azure Tables, Queues and blob leases on Azurite (real time)', async () => {
    // Two openings of one set of tables, queue and container: two instances of the bot.
    const a = account();
    const first = await azureStores(a);
    const handle = (stores: Stores) => ({
      ledger: stores.nudgeLedger,
      queue: stores.nudgeQueue,
      leases: stores.leases,
    });
    return {
      ...handle(first),
      other: async () => handle(await azureStores(a)),
      elapse: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      unitMs: 1000,
      leaseMs: 15_000,
      close: () => Promise.resolve(),
    };
  });

  it('refuses plain http to anything but this machine, and malformed settings', () => {
    expect(() =>
      parseStorageConnection(
        'DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k;TableEndpoint=http://10.0.0.5:10002/a',
      ),
    ).to.throw(/only allowed on a loopback address/);
    expect(() => parseStorageConnection('AccountName=a')).to.throw(/needs AccountName and AccountKey/);
    expect(() => parseStorageConnection('https://example.com/')).to.throw(/account URL must look like/);
    expect(parseStorageConnection('https://school.blob.core.windows.net').kind).to.equal('managedIdentity');
  });

  it('a malformed connection string stops the start with a configuration error naming the variable', async () => {
    const config = loadConfig({
      STORAGE: 'azure',
      ALLOW_UNAUTHENTICATED: '1',
      AZURE_STORAGE_CONNECTION_STRING: 'AccountName=school',
    });
    const error = await expectRejection(openStores(config, createLogger('silent')), ConfigError);
    expect(error.problems.join('\n')).to.match(
      /^AZURE_STORAGE_CONNECTION_STRING: the connection string needs AccountName and AccountKey/,
    );
  });

  it('survives the storage service restarting between calls', async () => {
    const stores = await azureStores(account());
    await stores.progress.put('00000000-0000-4000-8000-0000000000d1', {
      step: 'chooseFirst',
      history: [],
      updatedAt: '2026-11-30T10:00:00.000Z',
    });
    await azurite.restart();
    expect((await stores.progress.get('00000000-0000-4000-8000-0000000000d1'))?.value.step).to.equal(
      'chooseFirst',
    );
  });

  it('a conversation reference saved before the Teams language was kept still loads, without one', async () => {
    const a = account();
    const stores = await azureStores(a);
    const ref = {
      userId: '00000000-0000-4000-8000-0000000000d2',
      tenantId: '5c4f0d3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f',
      conversationId: 'a:1',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      reference: { conversation: { id: 'a:1' } },
      updatedAt: '2026-11-30T10:00:00.000Z',
    };
    // The row as the previous release wrote it: no locale property.
    await a.table('references').createEntity({
      partitionKey: ref.userId,
      rowKey: 'reference',
      tenantId: ref.tenantId,
      conversationId: ref.conversationId,
      serviceUrl: ref.serviceUrl,
      reference: JSON.stringify(ref.reference),
      updatedAt: ref.updatedAt,
    });
    expect(await stores.references.get(ref.userId)).to.deep.equal(ref);
  });

  it('a key row or form row left by a create that never finished does no harm, and goes with the purge', async () => {
    const a = account();
    const stores = await azureStores(a);
    const user = '00000000-0000-4000-8000-0000000000e1';
    const old = '2026-10-01T10:00:00.000Z';
    // What a process that died between its reservations and its transaction leaves behind.
    const keys = a.table('escalationkeys');
    for (const partitionKey of ['ref_MFA-LEFT', 'id_00000000-0000-4000-8000-0000000000f1']) {
      await keys.createEntity({
        partitionKey,
        rowKey: 'key',
        userId: user,
        escalationId: '00000000-0000-4000-8000-0000000000f1',
        createdAt: old,
      });
    }
    // And a form row whose escalation was purged half-way.
    await a.table('escalations').createEntity({
      partitionKey: user,
      rowKey: 'f_form-half-purged',
      kind: 'form',
      escalationId: '00000000-0000-4000-8000-0000000000f2',
      createdAt: old,
    });
    expect(await stores.escalations.findByReference('MFA-LEFT')).to.equal(undefined);
    expect(await stores.escalations.get('00000000-0000-4000-8000-0000000000f1')).to.equal(undefined);

    const asked: string[] = [];
    const result = await stores.escalations.create(
      {
        id: '00000000-0000-4000-8000-0000000000f3',
        userId: user,
        formId: 'form-half-purged',
        category: 'other',
        way: 'walkIn',
        step: 'welcome',
        createdAt: '2026-11-30T10:00:00.000Z',
        localDate: '2026-11-30',
        channelCopy: 'none',
      },
      3,
      () => {
        // The leftover's reference first: it is taken, so another is asked for.
        asked.push(asked.length === 0 ? 'MFA-LEFT' : 'MFA-NEXT');
        return asked.at(-1)!;
      },
    );
    expect(result.kind).to.equal('created');
    expect(asked).to.deep.equal(['MFA-LEFT', 'MFA-NEXT']);
    expect((await stores.escalations.findByReference('MFA-NEXT'))?.formId).to.equal('form-half-purged');

    expect(await stores.escalations.purgeCreatedBefore(new Date('2026-11-01T00:00:00Z'))).to.equal(0);
    const left: string[] = [];
    for await (const row of keys.listEntities()) left.push(row.partitionKey!);
    expect(left.sort()).to.deep.equal(['id_00000000-0000-4000-8000-0000000000f3', 'ref_MFA-NEXT']);
  });
});
