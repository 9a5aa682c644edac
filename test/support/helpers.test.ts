/** The shared test helpers fail when they should, and say why: a helper that cannot fail hides every bug. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { testUser, textActivity } from './activities';
import { ROOT, stopCleanly, type BotProcess } from './botProcess';
import { ConnectorStandIn } from './connectorStandIn';
import { headingOf, viewCard, type CardView } from './cards';
import { expectRejection } from './expectRejection';
import { expectNoPersonalData } from './personalData';
import { StandInServer } from './standInServer';
import { until } from './until';
import { cardWalk, processWalk } from './walk';

/** The assertion a helper failed with, or a failure if it did not fail. */
async function failureOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the helper to fail');
}

const card = (heading: string, buttons: string[] = []): CardView =>
  viewCard({
    type: 'AdaptiveCard',
    body: [{ type: 'TextBlock', text: heading, size: 'large' }],
    actions: buttons.map((title) => ({ type: 'Action.Submit', title, data: { verb: title } })),
  });

describe('Shared test helpers', () => {
  describe('until', () => {
    it('returns the first truthy value, asking again until there is one', async () => {
      let asked = 0;
      expect(await until(() => (++asked === 3 ? 'ready' : undefined), { what: 'ready' })).to.equal('ready');
      expect(asked).to.equal(3);
    });

    it('times out naming what it waited for and the last value seen', async () => {
      const mails: string[] = [];
      const message = await failureOf(() => until(() => mails.length, { what: 'nine mails', timeoutMs: 50 }));
      expect(message).to.equal('timed out after 50 ms waiting for nine mails; last seen: 0');
    });

    it('counts a check that throws as not yet, and reports its last error', async () => {
      let n = 0;
      const message = await failureOf(() =>
        until(
          () => {
            n += 1;
            throw new Error(`only ${n} so far`);
          },
          { what: 'the count', timeoutMs: 50 },
        ),
      );
      expect(message).to.equal(`timed out after 50 ms waiting for the count; last seen: only ${n} so far`);
    });
  });

  describe('expectRejection', () => {
    class Refused extends Error {}

    it('returns the error when it matches by message, pattern or class', async () => {
      const refused = new Refused('no, not now');
      expect(await expectRejection(Promise.reject(refused), 'no, not now')).to.equal(refused);
      expect(await expectRejection(Promise.reject(refused), /not now$/)).to.equal(refused);
      expect(await expectRejection(Promise.reject(refused), Refused)).to.equal(refused);
    });

    it('fails when the promise resolves, saying with what', async () => {
      expect(await failureOf(() => expectRejection(Promise.resolve({ id: 7 }), Error))).to.equal(
        'expected a rejection, but it resolved with { id: 7 }',
      );
    });

    it('fails when the error is another one', async () => {
      expect(
        await failureOf(() => expectRejection(Promise.reject(new Error('other')), 'no, not now')),
      ).to.match(/expected 'other' to equal 'no, not now'/);
      expect(await failureOf(() => expectRejection(Promise.reject(new Error('other')), Refused))).to.match(
        /to be an instance of Refused/,
      );
    });
  });

  describe('walk', () => {
    const sam = testUser('Sam Taylor');

    it('presses through a path, checking where each press leads', async () => {
      const next: Record<string, CardView> = { Start: card('Choose', ['App']), App: card('Get the app') };
      const walk = cardWalk(
        (activity) => Promise.resolve([next[(activity.value as { verb: string }).verb]!]),
        sam,
      );
      const end = await walk.through(card('Hi', ['Start']), [
        ['Start', 'Choose'],
        ['App', 'Get the app'],
      ]);
      expect(end.texts).to.deep.equal(['Get the app']);
      expect(
        await failureOf(() => walk.through(card('Hi', ['Start']), [['Start', 'Somewhere else']])),
      ).to.match(/after pressing "Start": expected 'Choose' to equal 'Somewhere else'/);
    });

    it('fails a turn that answers with more or fewer than one card, naming them', async () => {
      const twice = cardWalk(() => Promise.resolve([card('One'), card('Two')]), sam);
      expect(await failureOf(() => twice.say('hello'))).to.match(/^expected one card, got One \/ Two/);
      const none = cardWalk(() => Promise.resolve([]), sam);
      expect(await failureOf(() => none.say('hello'))).to.match(/^expected one card, got :/);
    });

    it('over a bot process: the cards its chat (or the replies) got during the POST, and a failure naming any other status', async () => {
      const received: { conversationId: string; replyToId?: string; activity: Partial<Activity> }[] = [];
      const send = (conversationId: string, heading: string, replyToId?: string) =>
        received.push({
          conversationId,
          replyToId,
          activity: {
            attachments: [
              { contentType: 'application/vnd.microsoft.card.adaptive', content: card(heading).card },
            ],
          },
        });
      const bot = await StandInServer.start({ tls: false });
      try {
        bot.route('POST', '/api/messages', (req) => {
          const { id, text, conversation } = req.body as Partial<Activity>;
          if (text === 'break') return { status: 500, raw: 'the turn failed' };
          // The reply to this turn, a message in the same chat that answers nothing (a proactive one), and a
          // message to someone else's chat at the same moment.
          send(conversation!.id, `You said ${text}`, id);
          if (text === 'and more') send(conversation!.id, 'Meanwhile');
          send('a:personal-someone-else', 'Not yours');
          return { status: 200 };
        });
        const walk = processWalk({ bot: () => bot, connector: { received } }, sam);
        send(`a:personal-${sam.aadObjectId}`, 'Sent before the turn');
        expect(await walk.say('hello'))
          .to.have.property('texts')
          .that.deep.equals(['You said hello']);
        expect(await failureOf(() => walk.say('break'))).to.match(
          /^the turn failed: expected 500 to be one of \[ 200, 201 \]/,
        );
        // The chat's answer is all the turn brought to the chat; the replies' only what answered the activity.
        expect((await walk.turn(textActivity(sam, 'and more'))).map(headingOf)).to.deep.equal([
          'You said and more',
          'Meanwhile',
        ]);
        const replies = processWalk({ bot: () => bot, connector: { received }, answers: 'replies' }, sam);
        expect((await replies.turn(textActivity(sam, 'and more'))).map(headingOf)).to.deep.equal([
          'You said and more',
        ]);
      } finally {
        await bot.close();
      }
    });
  });

  describe("the connector stand-in's waitFor", () => {
    it('resolves once what it received meets the condition, and times out naming what it waited for', async () => {
      const connector = await ConnectorStandIn.start();
      try {
        const waiting = connector.waitFor((received) => received.length >= 1, 5000, 'a reply');
        const sent = await fetch(`${connector.serviceUrl}v3/conversations/a:chat/activities`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ type: 'message', text: 'hello' }),
        });
        expect(sent.status).to.equal(201);
        await waiting;
        expect(
          await failureOf(() => connector.waitFor((received) => received.length >= 2, 50, 'a second reply')),
        ).to.equal('timed out after 50 ms waiting for a second reply; last seen: false');
      } finally {
        await connector.close();
      }
    });
  });

  describe('stopCleanly', () => {
    const exitingWith = (code: number | null): BotProcess =>
      ({
        stop: () => Promise.resolve(code),
        logs: () => ['{"msg":"started"}', '{"msg":"turn failed"}'],
      }) as BotProcess;

    it('returns the whole log of a bot that exited with 0, and fails on any other exit showing the end of it', async () => {
      expect(await stopCleanly(exitingWith(0))).to.equal('{"msg":"started"}\n{"msg":"turn failed"}');
      expect(await failureOf(() => stopCleanly(exitingWith(1), 21))).to.equal(
        '{"msg":"turn failed"}: expected 1 to equal +0',
      );
      expect(await failureOf(() => stopCleanly(exitingWith(null)))).to.match(/expected null to equal \+0$/);
    });
  });

  describe('expectNoPersonalData', () => {
    const lines = ['{"msg":"turn","userId":"6d000000-0000-4000-8000-000000000001","who":"Pupil One"}'];

    it('names each piece of personal data found, whatever its case, and the line it is on', async () => {
      const message = await failureOf(() =>
        expectNoPersonalData(lines, { names: ['pupil one'], typed: ['my password'] }),
      );
      expect(message).to.contain(`names "pupil one" in: ${lines[0]}`);
      expect(message).to.not.contain('my password');
    });

    it('fails when a log says nothing about the people it should be about', async () => {
      expect(
        await failureOf(() => expectNoPersonalData(['{"msg":"started"}'], { ids: ['6d000000'] })),
      ).to.match(/^ids the log should name/);
      expectNoPersonalData(lines, { names: ['Desk Person'], ids: ['6d000000-0000-4000-8000-000000000001'] });
    });
  });

  describe('tempDataDir', () => {
    it('removes the folders it made, with what a bot wrote there, when the process exits', () => {
      // A process that makes two and exits without removing them (a test that failed before its cleanup).
      const made = execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          "const { tempDataDir } = require('./test/support/botProcess'); const fs = require('node:fs'); " +
            "const dirs = [tempDataDir(), tempDataDir()]; fs.writeFileSync(dirs[0] + '/support-code.key', 'k'); " +
            'console.log(JSON.stringify(dirs));',
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
      const dirs = JSON.parse(made.trim().split('\n').pop()!) as string[];
      expect(dirs).to.have.length(2);
      expect(dirs.filter((dir) => fs.existsSync(dir))).to.deep.equal([]);
    });
  });
});
