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
