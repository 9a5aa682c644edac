import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { expect } from 'chai';
import { SqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { SqliteSendWindow } from '../../../src/adapters/sqlite/sqliteSendWindow';
import { DEFAULT_SEND_RULE } from '../../../src/domain/sending/sendTickets';
import { newWorkerId } from '../../../src/nudges/workerProcess';
import { tempDataDir } from '../../support/botProcess';

const RULE = DEFAULT_SEND_RULE;

describe('The send budget in SQLite: one table of tickets for every process on the machine', () => {
  let dataDir: string;
  const opened: SqliteSendWindow[] = [];
  const open = (limit: number) => {
    const window = SqliteSendWindow.open(dataDir, limit);
    opened.push(window);
    return window;
  };

  beforeEach(() => {
    dataDir = tempDataDir('mfa-buddy-send-window-');
  });
  afterEach(() => {
    for (const window of opened.splice(0)) window.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('two processes opening the same DATA_DIR share the limit: together they take no more than it', async () => {
    const bot = open(4);
    const cli = open(4);
    const now = 1_000_000;
    const taken = [
      await cli.take('campaign', 'cli', now, RULE),
      await cli.take('campaign', 'cli', now, RULE),
      await cli.take('campaign', 'cli', now, RULE),
      await cli.take('campaign', 'cli', now, RULE),
      await bot.take('reply', 'bot', now, RULE),
    ];
    // The campaign stops one short (the ticket kept for pupils), which the bot's reply takes.
    expect(taken.map((t) => 'ticket' in t)).to.deep.equal([true, true, true, false, true]);
    // The table is full: neither may start another until one is answered a window ago.
    expect(await bot.take('reply', 'bot', now, RULE)).to.deep.equal({
      waitMs: RULE.answerCapMs,
      inFlight: true,
    });
    const first = taken[0] as { ticket: { index: number; grantedAt: number } };
    await cli.answer(first.ticket, now + 20);
    expect(await bot.take('reply', 'bot', now + 20, RULE)).to.deep.equal({
      waitMs: RULE.windowMs,
      inFlight: false,
    });
    expect(await bot.take('reply', 'bot', now + 20 + RULE.windowMs, RULE)).to.have.property('ticket');
  });

  it("the campaign in one process leaves the reserve for the other's pupils, and their replies raise it", async () => {
    const bot = open(6);
    const cli = open(6);
    const now = 2_000_000;
    const tickets: { index: number; grantedAt: number }[] = [];
    for (
      let t = await cli.take('campaign', 'cli', now, RULE);
      'ticket' in t;
      t = await cli.take('campaign', 'cli', now, RULE)
    ) {
      tickets.push(t.ticket);
    }
    // One ticket kept while nobody talks, and the bot's pupil takes it.
    expect(tickets).to.have.length(5);
    const reply = await bot.take('reply', 'bot', now, RULE);
    expect(reply).to.have.property('ticket');
    for (const ticket of tickets) await cli.answer(ticket, now + 5);
    if ('ticket' in reply) await bot.answer(reply.ticket, now + 5);
    // A window later the reply's pressure (1 a second, faded by half) keeps 1 + ceil(1.5 × 0.49) = 2 free.
    const later = now + 5 + RULE.windowMs;
    let campaign = 0;
    while ('ticket' in (await cli.take('campaign', 'cli', later, RULE))) campaign++;
    expect(campaign).to.equal(4);
  });

  it('never freezes the process on a lock another process holds: a take is asked again, an answer goes in once it is free', async () => {
    const window = open(2);
    const taken = await window.take('reply', 'bot', 4_000_000, RULE);
    // Another process in the middle of a write (the campaign's take), holding the lock.
    const other = SqliteDatabase.open(dataDir, 'send-budget.sqlite');
    other.db.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    expect(await window.take('reply', 'bot', 4_000_001, RULE)).to.deep.equal({ waitMs: 2, inFlight: true });
    // SQLite's own wait would have held this process for its busy timeout (5 s); a second leaves room for a
    // loaded machine.
    expect(performance.now() - started).to.be.below(1000);
    let answered = false;
    const answer = window.answer(
      (taken as { ticket: { index: number; grantedAt: number } }).ticket,
      4_000_010,
    );
    void answer.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).to.equal(false);
    other.db.exec('COMMIT');
    other.close();
    await answer;
    // The answer went in: a window after it, both tickets are free again.
    const later = 4_000_010 + RULE.windowMs;
    expect(await window.take('reply', 'bot', later, RULE)).to.have.property('ticket');
    expect(await window.take('reply', 'bot', later, RULE)).to.have.property('ticket');
  });

  it("a ticket held by a process that has ended is free at once (a restarted campaign doesn't wait for it)", async () => {
    const window = open(1);
    // A process that has run and ended: its worker id names a pid no longer there.
    const ended = spawnSync(process.execPath, ['-e', '0']);
    const deadHolder = `worker-${os.hostname()}~${ended.pid}~~0badf00d`;
    const now = 3_000_000;
    expect(await window.take('followUp', deadHolder, now, RULE)).to.have.property('ticket');
    expect(await window.take('reply', newWorkerId(), now + 10, RULE)).to.have.property('ticket');
    // A live holder's unanswered ticket is not taken.
    expect(await window.take('reply', 'someone-else', now + 20, RULE)).to.deep.equal({
      waitMs: RULE.answerCapMs - 10,
      inFlight: true,
    });
  });
});
