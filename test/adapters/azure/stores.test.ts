import crypto from 'node:crypto';
import { expect } from 'chai';
import { azureStores } from '../../../src/adapters/storage';
import { AzureStorageAccount, parseStorageConnection } from '../../../src/adapters/azure/azureStorageAccount';
import { startAzurite, type Azurite } from '../../support/azurite';
import { describeEscalationStoreContracts } from '../../contracts/escalationStoreContracts';
import { describeStoreContracts } from '../../contracts/storeContracts';
import { describeSupportCodeContracts } from '../../contracts/supportCodeContracts';
import { azurePlace } from '../../support/storagePlaces';

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
});
