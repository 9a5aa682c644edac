import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import { AzureStorageAccount, parseStorageConnection } from '../../src/adapters/azure/azureStorageAccount';
import { AzureSendWindow } from '../../src/adapters/azure/azureSendWindow';
import { SqliteSendWindow } from '../../src/adapters/sqlite/sqliteSendWindow';
import { DEFAULT_SEND_RULE } from '../../src/domain/sending/sendTickets';
import type { SendWindow } from '../../src/ports/sendWindow';
import { MemorySendWindow } from '../../src/sending/memorySendWindow';
import {
  describeSendWindowContracts,
  neverMoreThanTheLimit,
  type SendWindowPlace,
} from '../contracts/sendWindowContracts';
import { startAzurite, type Azurite } from '../support/azurite';
import { tempDataDir } from '../support/botProcess';

/** One window opened twice: the memory table is shared by nobody else, so "two processes" are one. */
describeSendWindowContracts('memory', () => {
  let window: MemorySendWindow | undefined;
  return Promise.resolve({
    open: (limit) => Promise.resolve((window ??= new MemorySendWindow(limit))),
    marginMs: 0,
    close: () => Promise.resolve(),
  });
});

describeSendWindowContracts('SQLite', () => {
  const dir = tempDataDir('mfa-buddy-send-window-');
  const opened: SendWindow[] = [];
  return Promise.resolve({
    open: (limit) => {
      const window = SqliteSendWindow.open(dir, limit);
      opened.push(window);
      return Promise.resolve(window);
    },
    marginMs: 0,
    close: () => {
      for (const window of opened) window.close();
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});

describe('The send budget on Azure Tables (Azurite): one table for every instance', () => {
  const MARGIN_MS = 25;
  let azurite: Azurite;
  before(async () => {
    azurite = await startAzurite();
  });
  after(() => azurite.stop());

  /**
   * Fresh tables, so that tests cannot see each other's tickets; each opening is one more instance. The contract
   * reads the partition at every take (`snapshotMs: 0`): its clock is made up, and a snapshot shared for 50 real
   * milliseconds would hide the other process's last step. The limit holds with the shared snapshot too (below).
   */
  function azurePlace(snapshotMs?: number): SendWindowPlace {
    const prefix = `t${crypto.randomBytes(5).toString('hex')}`;
    return {
      open: (limit) =>
        Promise.resolve(
          AzureSendWindow.open(
            new AzureStorageAccount(parseStorageConnection(azurite.connectionString), prefix),
            limit,
            { clockMarginMs: MARGIN_MS, snapshotMs },
          ),
        ),
      marginMs: MARGIN_MS,
      close: () => Promise.resolve(),
    };
  }

  describeSendWindowContracts('Azure Tables on Azurite', () => Promise.resolve(azurePlace(0)));

  it('with a snapshot shared by takes (as in production), two instances still never hold more than the limit', () =>
    neverMoreThanTheLimit(azurePlace()));

  it('two instances racing for the last free tickets are granted exactly as many as are free', async () => {
    const place = azurePlace();
    const [a, b] = [await place.open(10), await place.open(10)];
    const now = Date.parse('2026-12-01T10:00:00.000Z');
    for (let i = 0; i < 7; i++)
      expect(await a.take('reply', 'a', now, DEFAULT_SEND_RULE)).to.have.property('ticket');
    const race = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        (i % 2 ? a : b).take('reply', i % 2 ? 'a' : 'b', now, DEFAULT_SEND_RULE),
      ),
    );
    const won = race.filter((r) => 'ticket' in r);
    expect(won).to.have.length(3);
    // Three different tickets, none of the seven held before.
    expect(new Set(won.map((r) => ('ticket' in r ? r.ticket.index : -1))).size).to.equal(3);
    expect(await b.take('reply', 'b', now, DEFAULT_SEND_RULE)).to.deep.equal({
      waitMs: DEFAULT_SEND_RULE.answerCapMs,
      inFlight: true,
    });
  });
});
