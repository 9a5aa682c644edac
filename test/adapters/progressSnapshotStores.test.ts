import { describeProgressSnapshotContracts } from '../contracts/progressSnapshotContracts';
import { startAzurite, type Azurite } from '../support/azurite';
import { azurePlace, sqlitePlace } from '../support/storagePlaces';

describeProgressSnapshotContracts('SQLite', sqlitePlace);

describe('progress snapshots on Azure Tables (Azurite)', () => {
  let azurite: Azurite;
  before(async () => {
    azurite = await startAzurite();
  });
  after(() => azurite.stop());
  describeProgressSnapshotContracts('Azure Tables on Azurite', () => azurePlace(azurite));
});
