/**
 * The bot in a Teams client we did not write: the Microsoft 365 Agents Playground, driven headless through
 * its own REST and websocket API, in front of the built bot process. Everything runs on 127.0.0.1 with
 * free ports and is stopped afterwards.
 *
 * Later features add their own `describe` here, like the nudge campaign at the end (its own session: a
 * fresh Sam, installed once). The escalation mail could arrive at the Graph stand-in (start the session with
 * `startGraphTenant().env`).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';
import { expect } from 'chai';
import { SqliteConversationReferenceStore } from '../../src/adapters/sqlite/sqliteConversationReferenceStore';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { SqliteNudgeLedger } from '../../src/adapters/sqlite/sqliteNudgeLedger';
import { DEMO_TENANT_ID } from '../../src/config/env';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { buildCampaign, type Campaign } from '../../src/domain/campaign/campaignTime';
import type { ActiveStage } from '../../src/domain/campaign/stagePlan';
import { instantAt } from '../../src/domain/campaign/zonedTime';
import { daysBetween } from '../../src/domain/policy/localDate';
import type { LedgerEntry } from '../../src/ports/nudgeLedger';
import { headingOf, viewCard, type CardView } from '../support/cards';
import { PlaygroundClient, type ChatMessage } from '../support/playground/playgroundClient';
import { startPlaygroundSession, type PlaygroundSession } from '../support/playground/playgroundSession';
import { walk, type Walk } from '../support/walk';

const SAM = '5a000000-0000-4000-8000-000000000001';

/** The one message of a turn, with one card (fails if the bot said more, or less). */
function only(messages: ChatMessage[]): ChatMessage {
  const described = messages.map((m) => m.cards.map(headingOf).join(' + ') || m.text).join(' / ');
  expect(messages, `expected one message, got: ${described}`).to.have.length(1);
  expect(messages[0]!.cards, 'expected one card').to.have.length(1);
  return messages[0]!;
}

function cardOf(message: ChatMessage): CardView {
  return message.cards[0]!;
}

/** The conversation walked in the Playground's chat: each turn answered with exactly one message and card. */
function chatWalk(client: PlaygroundClient): Walk<ChatMessage> {
  return walk<ChatMessage>({
    say: (text) => client.say(text),
    press: (message, title) => client.press(message, title),
    only,
    heading: (message) => headingOf(cardOf(message)),
  });
}

function titles(message: ChatMessage): string[] {
  return cardOf(message).buttons.map((b) => b.title);
}

/** Whether a TCP connection to `host:port` succeeds. */
function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('In the Agents Playground, headless', function () {
  this.timeout(60_000);
  let session: PlaygroundSession;
  let client: PlaygroundClient;
  let say: Walk<ChatMessage>['say'];
  let press: Walk<ChatMessage>['press'];
  let through: Walk<ChatMessage>['through'];

  before(async () => {
    session = await startPlaygroundSession();
    client = await PlaygroundClient.connect(session.playground.url);
    ({ say, press, through } = chatWalk(client));
  });
  after(async () => {
    await client?.close();
    await session?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(session.diagnostics());
  });

  /** From anywhere: "start again" puts the user on the first-method choice. */
  async function startAgain(): Promise<ChatMessage> {
    const choose = await say('start again');
    expect(headingOf(cardOf(choose))).to.equal('Choose your first method');
    return choose;
  }

  describe('setup', () => {
    it('listens on loopback only, both the Playground and the bot', async () => {
      expect(session.playground.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(session.bot.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      const others = Object.values(os.networkInterfaces())
        .flat()
        // Every address another machine could use (link-local IPv6 needs a scope id: left out).
        .filter((i) => i && !i.internal && !i.address.startsWith('fe80:'))
        .map((i) => i!.address);
      for (const address of others) {
        expect(await canConnect(address, session.playground.port), `Playground on ${address}`).to.equal(
          false,
        );
        expect(await canConnect(address, session.bot.port), `bot on ${address}`).to.equal(false);
      }
      expect(await canConnect('127.0.0.1', session.playground.port)).to.equal(true);
    });

    it('speaks as Sam Taylor, a pupil in the demo school tenant', () => {
      expect(client.identity.tenantId).to.equal(DEMO_TENANT_ID);
      expect(client.identity.me).to.include({ name: 'Sam Taylor', aadObjectId: SAM });
    });
  });

  describe('install', () => {
    it("welcomes once on the Playground's own install (what its page does on load)", async () => {
      const welcome = only(await client.install());
      // Teams sends no display name with an install: the greeting does without one.
      expect(headingOf(cardOf(welcome))).to.equal('Hi! 👋');
      expect(cardOf(welcome).texts.join(' ')).to.match(
        /never ask for your password, the codes Microsoft sends you or your phone number/,
      );
      expect(titles(welcome)).to.deep.equal(["Let's start ▶", 'What is this?', 'I need help', '🌐 Language']);
      // installationUpdate and conversationUpdate both arrived and were answered; a reload greets no one twice.
      expect(client.answered.map((a) => a.type)).to.include.members([
        'installationUpdate',
        'conversationUpdate',
      ]);
      expect(await client.install()).to.deep.equal([]);
    });

    it("keeps the way back to Sam's chat: the Playground's connector, in the school tenant", async () => {
      const database = SqliteDatabase.open(session.dataDir);
      try {
        const reference = await new SqliteConversationReferenceStore(database).get(SAM);
        expect(reference).to.include({
          tenantId: DEMO_TENANT_ID,
          conversationId: client.identity.personalChatId,
          serviceUrl: session.playground.serviceUrl,
        });
      } finally {
        database.close();
      }
    });
  });

  describe('the whole guide, by first method (Action.Submit, as the cards send it)', () => {
    it('app: the Authenticator app, then a personal email', async () => {
      const choose = await startAgain();
      const second = await through(choose, [
        ['Use the app', 'Get the Microsoft Authenticator app'],
        ["I've got the app ▶", 'Open the sign-up page'],
        ['I can see a QR code ▶', 'Scan the QR code'],
        ['Done ▶', 'Approve the test'],
        ['Approved ▶', 'Now choose your second method'],
      ]);
      expect(
        cardOf(second)
          .buttons.filter((b) => b.data?.verb === 'guide.choose')
          .map((b) => b.title),
      ).to.deep.equal(['Use email', 'Use a phone']);
      const finished = await through(second, [
        ['Use email', 'Add a personal email'],
        ['Done ▶', "🎉 That's it, you're done!"],
      ]);
      expect(titles(finished)).to.include('Add a passkey (optional)');
      const afterwards = await through(finished, [['What happens now? ▶', 'What happens from now on']]);
      // The demo directory is Microsoft's view, and nothing was registered at Microsoft's page here.
      await through(afterwards, [['Check my status', "You haven't started yet"]]);
    });

    it('phone → call, then the app as the second method', async () => {
      const choose = await startAgain();
      const second = await through(choose, [
        ['Use a phone', 'Pick Phone on the page'],
        ['I picked Phone ▶', 'Text or call?'],
        ['Call', 'Get a phone call'],
      ]);
      expect(cardOf(second).texts.join(' ')).to.match(/\*\*#\*\* \(hash\)/);
      const finished = await through(second, [
        ['Done ▶', 'Now choose your second method'],
        ['Use the app', 'Get the Microsoft Authenticator app'],
        ["I've got the app ▶", 'Scan the QR code'],
        ['Done ▶', 'Approve the test'],
        ['Approved ▶', "🎉 That's it, you're done!"],
      ]);
      await through(finished, [
        ['Add a passkey (optional)', 'Extra: a passkey (optional)'],
        ['Done ▶', 'What happens from now on'],
      ]);
    });

    it('phone → text, then a personal email', async () => {
      const choose = await startAgain();
      const text = await through(choose, [
        ['Use a phone', 'Pick Phone on the page'],
        ['I picked Phone ▶', 'Text or call?'],
        ['Text', 'Get a code by text'],
      ]);
      expect(cardOf(text).texts.join(' ')).to.match(
        /IT will never ask for your password or for the codes Microsoft sends you/,
      );
      const finished = await through(text, [
        ['Done ▶', 'Now choose your second method'],
        ['Use email', 'Add a personal email'],
        // Texts stop counting in 2027: the school's check is not passed yet.
        ['Done ▶', 'Nearly done!'],
      ]);
      expect(titles(finished)).not.to.include('Add a passkey (optional)');
      await through(finished, [['Add the app ▶', 'Get the Microsoft Authenticator app']]);
    });

    it("no smartphone: straight to IT for the school's token or key, no texts or calls", async () => {
      const choose = await startAgain();
      const none = await through(choose, [["I don't have one", 'No smartphone? You can still do this']]);
      expect(titles(none)).to.deep.equal(['Get help from IT', '◀ Back', "I'm stuck", 'Start again']);
      // The problem is known already: the pupil picks how IT should help, then sends it.
      const way = await press(none, 'Get help from IT');
      expect(headingOf(cardOf(way))).to.equal('How would you like help?');
      const review = await press(way, "🚶 I'll walk in");
      expect(headingOf(cardOf(review))).to.equal('Send this to IT Support?');
      expect(cardOf(review).texts).to.include("Help: I'll walk in to IT Support");
    });

    it('back and start again from the middle of the guide', async () => {
      const choose = await startAgain();
      const scan = await through(choose, [
        ['Use the app', 'Get the Microsoft Authenticator app'],
        ["I've got the app ▶", 'Open the sign-up page'],
        ['I can see a QR code ▶', 'Scan the QR code'],
      ]);
      const back = await through(scan, [['◀ Back', 'Open the sign-up page']]);
      await through(back, [['Start again', 'Choose your first method']]);
    });
  });

  describe('Action.Execute (the adaptiveCard/action invoke)', () => {
    it('answers in the invoke response with the next card, which replaces the pressed one', async () => {
      const choose = await startAgain();
      const get = await press(choose, 'Use the app');
      const { result, messages } = await client.execute(get, 'guide.next', { from: 'first.app.get' });
      expect(messages).to.deep.equal([]);
      expect(result.type).to.equal('application/vnd.microsoft.card.adaptive');
      const next = result.value as Record<string, unknown>;
      expect(next.type).to.equal('AdaptiveCard');
      expect(JSON.stringify(next.body)).to.contain('Open the sign-up page');
    });

    it('answers a malformed invoke politely, in the response', async () => {
      const status = await say('status');
      const { result } = await client.execute(status, 'guide.teleport', { to: 'finished' });
      expect(JSON.stringify(result.value)).to.contain("Sorry, that button didn't work");
    });
  });

  describe('typed words', () => {
    it('"status" answers with what Microsoft has for Sam (nothing yet, in the demo school)', async () => {
      const choose = await startAgain();
      await press(choose, 'Use the app');
      const status = await say('status');
      expect(headingOf(cardOf(status))).to.equal("You haven't started yet");
      expect(cardOf(status).texts).to.include('Sign-in check (MFA): ❌ Not yet');
      expect(titles(status)).to.include.members(['Start setting up ▶', "I've done it ✔"]);
    });

    it('"status" from a Teams in Polish (the activity\'s locale pl-PL) answers in Polish', async () => {
      const polish = only(await client.sayIn('status', 'pl-PL'));
      expect(headingOf(cardOf(polish))).to.equal('Nic jeszcze nie jest ustawione');
      expect(cardOf(polish).texts).to.include('Weryfikacja logowania (MFA): ❌ Jeszcze nie');
      expect(titles(polish)).to.include.members(['Zacznij ustawiać ▶', 'Zrobione ✔', '🌐 Język (Language)']);
      // The Playground's own activities say en-US: the school's English.
      expect(headingOf(cardOf(await say('status')))).to.equal("You haven't started yet");
    });

    it('"I\'m stuck" answers with IT Support and the step Sam is on', async () => {
      const stuck = await say("I'm stuck");
      expect(headingOf(cardOf(stuck))).to.equal("Let's get you some help");
      expect(cardOf(stuck).texts).to.include('Walk in: IT Support, room 3L23');
      expect(cardOf(stuck).texts).to.include('You got to: Get the Authenticator app');
    });

    const answers: [string, string][] = [
      ['hlep', "Let's get you some help"],
      ['new phone', 'Got a new phone?'],
      ['I lost my phone', 'Lost your phone?'],
      ['what is this?', 'What is this?'],
      ['123456', "⚠️ Please don't send me that"],
      ['purple monkey dishwasher', "Sorry, I didn't get that"],
    ];
    for (const [text, heading] of answers) {
      it(`"${text}" → ${heading}, with buttons`, async () => {
        const answer = await say(text);
        expect(headingOf(cardOf(answer))).to.equal(heading);
        expect(cardOf(answer).buttons.length).to.be.greaterThan(0);
      });
    }
  });

  describe('uninstall', () => {
    it('forgets the way to reach Sam when the Playground mocks an uninstall', async () => {
      expect(await client.mockActivity('uninstall')).to.deep.equal([]);
      expect(client.answered.at(-1)).to.deep.equal({ type: 'installationUpdate', status: 200 });
      const database = SqliteDatabase.open(session.dataDir);
      try {
        expect(await new SqliteConversationReferenceStore(database).get(SAM)).to.equal(undefined);
      } finally {
        database.close();
      }
      expect(session.bot.logs().join('\n')).to.contain('conversation reference forgotten');
    });
  });

  describe('escalation', () => {
    it('"I\'m stuck" → buttons → a reference; the demo mailer keeps the mail in DATA_DIR', async () => {
      const stuck = await say("I'm stuck");
      const sent = await through(stuck, [
        ["📷 The app won't scan", 'How would you like help?'],
        ["🚶 I'll walk in", 'Send this to IT Support?'],
        ['Send to IT ✉', 'Sent to IT Support ✅'],
      ]);
      const reference = cardOf(sent)
        .texts.find((t) => t.startsWith('Your reference: '))!
        .slice('Your reference: '.length);
      const folder = path.join(session.dataDir, 'demo-mail');
      const [file] = fs.readdirSync(folder);
      expect(fs.readFileSync(path.join(folder, file!), 'utf8')).to.contain(`[${reference}] MFA help`);
      expect(session.bot.logs().join('\n')).to.contain('*** DEMO MAILER ***');
    });
  });
});

/**
 * A campaign reaching the Playground's chat the way IT runs one: `npm run nudge` (the built CLI) against the
 * bot's DATA_DIR and policy, with `--now` after school on a reminder day (Sam is a pupil). The CLI sends through the
 * conversation reference the bot stored at the Playground's install, so the nudge goes to the Playground's
 * connector; the buttons are pressed in the Playground and answered by the bot. The bot's own scheduler is
 * off (as in every test bot): it runs on the real clock, and the campaign's days are weeks ahead. Cards refresh
 * themselves here (CARD_REFRESH=on: 1.5 cards), so the Playground shows that such a card works as sent.
 */
describe('A nudge campaign in the Agents Playground', function () {
  this.timeout(90_000);
  let session: PlaygroundSession;
  let client: PlaygroundClient;
  let campaign: Campaign;
  let nudge: ChatMessage;
  let press: Walk<ChatMessage>['press'];

  before(async () => {
    session = await startPlaygroundSession({ botEnv: { CARD_REFRESH: 'on' } });
    client = await PlaygroundClient.connect(session.playground.url);
    ({ press } = chatWalk(client));
    const policy = loadSchoolPolicy(session.schoolConfig);
    campaign = buildCampaign(policy.campaign!, policy.registration.enforcementDate, policy.school.timeZone);
  });
  after(async () => {
    await client?.close();
    await session?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(session.diagnostics());
  });

  /** A reminder stage that goes out, by key. */
  function stage(key: string): ActiveStage {
    const found = campaign.stages.find((s) => s.key === key);
    if (!found) throw new Error(`stage ${key} does not go out: ${JSON.stringify(campaign.plan)}`);
    return found;
  }

  /** 16:00 school time on the day `s` goes out: inside the pupils' after-school window (15:45–19:00). */
  function afterSchoolOf(s: ActiveStage): string {
    return instantAt(s.sendOn, '16:00', campaign.timeZone).toISOString();
  }

  async function runNudge(args: string[]): Promise<string> {
    const run = await session.nudge(args);
    expect(run.code, `npm run nudge ${args.join(' ')}\n${run.stdout}\n${run.stderr.slice(-3000)}`).to.equal(
      0,
    );
    return run.stdout;
  }

  async function samsLedger(): Promise<LedgerEntry[]> {
    const database = SqliteDatabase.open(session.dataDir);
    try {
      return await new SqliteNudgeLedger(database).history(campaign.id, SAM);
    } finally {
      database.close();
    }
  }

  it('a nudge arrives in the Playground chat after install: personal, with its four buttons', async () => {
    expect(headingOf(cardOf(only(await client.install())))).to.equal('Hi! 👋');
    const d7 = stage('d7');
    const days = daysBetween(d7.sendOn, campaign.enforcementDate);

    // The dry run sees the Playground's chat: Sam is reached through the stored conversation, no install.
    const plan = await runNudge(['--dry-run', '--now', afterSchoolOf(d7)]);
    expect(plan).to.match(
      /^sam\.taylor@kscs\.org\.uk \| Year 8 \| nudge \| d7 \| .+ 16:00 \| conversation$/m,
    );

    let output = '';
    const arrived = await client.proactive(1, async () => {
      output = await runNudge(['--now', afterSchoolOf(d7), '--quiet-seconds', '1']);
    });
    // Sam is the only one of the demo school with a chat; the others have no app and no Graph to install it.
    expect(output).to.match(/^Planned stage d7: \d+ queued/m);
    expect(output).to.match(/^Sent 1; blocked 0; not installable \d+; .*failed 0;/m);
    nudge = only(arrived);
    expect(headingOf(cardOf(nudge))).to.equal(`Reminder, Sam: ${days} days left`);
    expect(cardOf(nudge).texts).to.include.members([
      '📱 Do it at home this evening, with your phone.',
      'Still to do: Everything: not started',
      `Deadline: ${days} days left`,
    ]);
    expect(titles(nudge)).to.deep.equal([
      'Start now ▶',
      'Remind me tomorrow',
      'I need help',
      "I've done it ✔",
    ]);
    const [row] = (await samsLedger()).filter((r) => r.nudge === 'd7');
    expect(row).to.include({ state: 'sent', group: 'Year 8' });
  });

  it('the nudge refreshes itself for Sam alone; opened again the same day, the Playground gets the same reminder', async () => {
    const card = cardOf(nudge).card;
    expect(card.version).to.equal('1.5');
    const refresh = card.refresh as {
      action: { verb: string; data: Record<string, unknown> };
      userIds: string[];
    };
    expect(refresh.userIds).to.deep.equal([client.identity.me.id]);
    expect(refresh.action.data).to.deep.include({ verb: 'card.refresh', of: 'nudge', nudge: 'd7' });
    // What Teams sends as it shows the card (the Playground has no automatic refresh: it is sent here by hand).
    const { result, messages } = await client.execute(nudge, refresh.action.verb, refresh.action.data);
    expect(messages).to.deep.equal([]);
    expect(result.type).to.equal('application/vnd.microsoft.card.adaptive');
    const again = viewCard(result.value as Record<string, unknown>);
    // The same words; only the days left differ, as the bot's clock is today and the nudge was sent at `--now`.
    const words = (view: CardView) =>
      [headingOf(view), ...view.texts].map((t) => t.replace(/\d+ days/, 'N days'));
    expect(words(again)).to.deep.equal(words(cardOf(nudge)));
    expect(again.buttons.map((b) => b.title)).to.deep.equal(titles(nudge));
  });

  it('"Start now" on the nudge lands in the guide where Sam has to begin', async () => {
    const start = await press(nudge, 'Start now ▶');
    expect(headingOf(cardOf(start))).to.equal('Choose your first method');
    const app = await press(start, 'Use the app');
    expect(headingOf(cardOf(app))).to.equal('Get the Microsoft Authenticator app');
  });

  it('"I need help" and "I\'ve done it" on the nudge answer in the chat', async () => {
    const help = await press(nudge, 'I need help');
    expect(headingOf(cardOf(help))).to.equal("Let's get you some help");
    expect(cardOf(help).texts).to.include('Walk in: IT Support, room 3L23');
    const done = await press(nudge, "I've done it ✔");
    // A live look at Microsoft's record, which has nothing for Sam yet.
    expect(headingOf(cardOf(done))).to.equal('Not quite done yet');
    expect(cardOf(done).texts).to.include('Checked with Microsoft just now.');
  });

  it('"Remind me tomorrow" is answered, and the ledger holds the snooze and the next reminder', async () => {
    const snoozed = await press(nudge, 'Remind me tomorrow');
    expect(headingOf(cardOf(snoozed))).to.equal("OK, I'll remind you later ⏰");
    expect(cardOf(snoozed).texts.join(' ')).to.match(
      /I'll message you again .+\. You can put it off once more\./,
    );
    const rows = await samsLedger();
    expect(rows.find((r) => r.nudge === 'd7')).to.include({ state: 'snoozed' });
    expect(rows.find((r) => r.nudge === 'd7+s1')).to.include({ state: 'queued' });
  });

  it('none after the Playground uninstalls the app: the next stage records why, and the report counts it', async () => {
    expect(await client.mockActivity('uninstall')).to.deep.equal([]);
    const next = campaign.stages[campaign.stages.findIndex((s) => s.key === 'd7') + 1]!;
    let output = '';
    const arrived = await client.proactive(0, async () => {
      output = await runNudge(['--now', afterSchoolOf(next), '--quiet-seconds', '1']);
    });
    expect(arrived).to.deep.equal([]);
    expect(output).to.match(new RegExp(`^Planned stage ${next.key}: `, 'm'));
    expect(output).to.match(/^Sent 0; /m);

    const rows = await samsLedger();
    // No chat any more, and with the demo directory there is no Graph to install the app for Sam again.
    expect(rows.find((r) => r.nudge === next.key)).to.include({
      state: 'notInstallable',
      detail: 'notConfigured',
    });
    // The reminder the snooze asked for is still on the queue: `--now` moves the campaign's clock, not the
    // queue's (its delays are real time, as in Azure Queue Storage). When it surfaces, a later stage is current
    // and it expires (superseded) without a send.
    expect(rows.find((r) => r.nudge === 'd7+s1')).to.include({ state: 'queued' });

    const report = await runNudge(['--report', '--now', afterSchoolOf(next)]);
    expect(report).to.match(/^Still in the queue: 1$/m);
    expect(report).to.match(/^ {2}notInstallable:notConfigured +\d+$/m);
    expect(report).to.match(/^ {2}snoozed +1$/m);
    expect(report).to.match(/^ {2}Year 8: .*snoozed 1/m);
  });
});
