import { expect } from 'chai';
import {
  botAddedActivity,
  executeActivity,
  installActivity,
  submitActivity,
  testUser,
  textActivity,
  uninstallActivity,
  type TestUser,
} from '../support/activities';
import { button, cardsOf, headingOf, onlyCard, type CardView } from '../support/cards';
import { ConversationHarness } from '../support/conversationHarness';
import { harnessWalk, type CardWalk } from '../support/walk';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';

describe('Guided registration conversation', () => {
  let h: ConversationHarness;
  let sam: TestUser;
  let say: CardWalk['say'];
  let press: CardWalk['press'];

  beforeEach(() => {
    h = new ConversationHarness({ now: '2026-11-30T10:00:00Z' });
    // Sam Taylor of the demo school (nothing registered), so status answers come from the demo directory.
    sam = testUser('Sam Taylor', DEMO_USERS.samTaylor);
    ({ say, press } = harnessWalk(h, sam));
  });
  afterEach(() => h.close());

  async function start(): Promise<CardView> {
    const welcome = onlyCard(await h.send(installActivity(sam)));
    return press(welcome, "Let's start ▶");
  }

  describe('install', () => {
    it('welcomes a new user once, with the deadline and what they need, and saves how to reach them', async () => {
      const welcome = onlyCard(await h.send(installActivity(sam)));
      expect(headingOf(welcome)).to.equal('Hi Sam! 👋');
      expect(welcome.texts).to.include('Deadline: Monday 11 January 2027 (42 days to go)');
      expect(welcome.texts.join(' ')).to.match(
        /never ask for your password, the codes Microsoft sends you or your phone number/,
      );
      expect(welcome.buttons.map((b) => b.title)).to.deep.equal([
        "Let's start ▶",
        'What is this?',
        'I need help',
        '🌐 Language',
      ]);

      // Teams also sends conversationUpdate for the same install: no second welcome.
      expect(await h.send(botAddedActivity(sam))).to.have.length(0);

      const ref = await h.references.get(sam.aadObjectId);
      expect(ref?.conversationId).to.equal(`a:personal-${sam.aadObjectId}`);
      expect(ref?.serviceUrl).to.equal('https://smba.trafficmanager.net/uk/');
    });

    it('keeps the way to reach a user current: a new chat is saved, and a reinstall is saved even if another instance forgot it', async () => {
      await h.send(installActivity(sam));
      await h.send(textActivity(sam, 'hello'));
      // Teams moved the user to another regional service: the next message is saved at once.
      await h.send(textActivity(sam, 'hello', { serviceUrl: 'https://smba.trafficmanager.net/emea/' }));
      expect((await h.references.get(sam.aadObjectId))?.serviceUrl).to.equal(
        'https://smba.trafficmanager.net/emea/',
      );
      // Another instance handled an uninstall (the store forgot the chat); this process still remembers it.
      await h.references.remove(sam.aadObjectId);
      await h.send(installActivity(sam, { serviceUrl: 'https://smba.trafficmanager.net/emea/' }));
      expect((await h.references.get(sam.aadObjectId))?.conversationId).to.equal(
        `a:personal-${sam.aadObjectId}`,
      );
    });

    it('notes at most once an hour that the user wrote, in the same chat (a blocked user who writes is nudged again)', async () => {
      await h.send(installActivity(sam));
      const installedAt = (await h.references.get(sam.aadObjectId))!.updatedAt;
      h.clock.advance(30 * 60_000);
      await h.send(textActivity(sam, 'hello'));
      expect((await h.references.get(sam.aadObjectId))!.updatedAt).to.equal(installedAt);
      // Over an hour later, same chat, same process (it remembers the chat): the reference is saved again.
      h.clock.advance(45 * 60_000);
      await h.send(textActivity(sam, 'hello'));
      expect(Date.parse((await h.references.get(sam.aadObjectId))!.updatedAt)).to.equal(
        h.clock.now().getTime(),
      );
    });

    it('forgets the conversation reference when the app is uninstalled', async () => {
      await h.send(installActivity(sam));
      await h.send(uninstallActivity(sam));
      expect(await h.references.get(sam.aadObjectId)).to.equal(undefined);
    });

    it('offers a returning user to carry on where they left off', async () => {
      const choose = await start();
      await press(choose, 'Use the app');
      h.clock.advance(3_600_000);
      const again = onlyCard(await h.send(installActivity(sam)));
      expect(headingOf(again)).to.equal('Welcome back, Sam!');
      expect(again.texts).to.include('You were at: **Get the Authenticator app**.');
      const step = await press(again, 'Carry on ▶');
      expect(headingOf(step)).to.equal('Get the Microsoft Authenticator app');
    });
  });

  describe('the whole guide', () => {
    it('Authenticator app first, then a personal email', async () => {
      const choose = await start();
      expect(headingOf(choose)).to.equal('Choose your first method');
      expect(choose.buttons.map((b) => b.title)).to.deep.equal([
        'Use the app',
        'Use a phone',
        "I don't have one",
        '◀ Back',
        "I'm stuck",
        'Start again',
      ]);
      const get = await press(choose, 'Use the app');
      expect(get.buttons.filter((b) => b.type === 'Action.OpenUrl').map((b) => b.title)).to.deep.equal([
        'App Store (iPhone)',
        'Google Play (Android)',
      ]);
      const open = await press(get, "I've got the app ▶");
      expect(headingOf(open)).to.equal('Open the sign-up page');
      expect(button(open, 'Open aka.ms/mfasetup').url).to.equal('https://aka.ms/mfasetup');
      const scan = await press(open, 'I can see a QR code ▶');
      expect(scan.texts.join(' ')).to.match(/Scan a QR code/);
      const approve = await press(scan, 'Done ▶');
      expect(approve.texts.join(' ')).to.match(/Type the number from the screen into the app/);
      const second = await press(approve, 'Approved ▶');
      expect(headingOf(second)).to.equal('Now choose your second method');
      // The app is already the first method, so it is not offered again; the policy discourages questions.
      expect(second.buttons.slice(0, 3).map((b) => b.title)).to.deep.equal([
        'Use email',
        'Use a phone',
        '◀ Back',
      ]);
      const email = await press(second, 'Use email');
      expect(email.texts.join(' ')).to.match(
        /\*\*Not\*\* your school address \(@kscs\.org\.uk or @kenstimpson\.org\.uk\)/,
      );
      expect(email.texts.join(' ')).to.match(/within 5 minutes/);
      const finished = await press(email, 'Done ▶');
      expect(headingOf(finished)).to.equal("🎉 That's it, you're done!");
      expect(finished.buttons.map((b) => b.title)).to.include('Add a passkey (optional)');
      const afterwards = await press(finished, 'What happens now? ▶');
      expect(afterwards.texts.join(' ')).to.match(/In school, or on a school laptop\*\*: no extra step/);
      expect(afterwards.texts.join(' ')).to.match(/aka\.ms\/sspr/);

      const stored = await h.progress.get(sam.aadObjectId);
      expect(stored?.value).to.include({ step: 'afterwards', first: 'app', second: 'email' });
    });

    it('a phone call first (pressing # on a UK phone), then the app', async () => {
      const choose = await start();
      const pick = await press(choose, 'Use a phone');
      expect(headingOf(pick)).to.equal('Pick Phone on the page');
      expect(pick.texts.join(' ')).to.match(/I want to set up a different method/);
      expect(pick.texts.join(' ')).to.match(/Texts and calls stop working on Monday 1 February 2027/);
      const textOrCall = await press(pick, 'I picked Phone ▶');
      expect(textOrCall.texts.join(' ')).to.match(/not here\. I never need it/);
      const call = await press(textOrCall, 'Call');
      expect(call.texts.join(' ')).to.match(/"pound" key: on a UK phone that is \*\*#\*\* \(hash\)/);
      const second = await press(call, 'Done ▶');
      expect(second.buttons.slice(0, 3).map((b) => b.title)).to.deep.equal([
        'Use the app',
        'Use email',
        '◀ Back',
      ]);
      const get = await press(second, 'Use the app');
      expect(get.texts.join(' ')).to.match(
        /I want to set up a different method\*\* and choose \*\*Authenticator app/,
      );
      const scan = await press(get, "I've got the app ▶");
      const approve = await press(scan, 'Done ▶');
      const finished = await press(approve, 'Approved ▶');
      expect(headingOf(finished)).to.equal("🎉 That's it, you're done!");
      expect((await h.progress.get(sam.aadObjectId))?.value).to.include({ first: 'phone', second: 'app' });
    });

    it('a text first: security questions are not offered (the policy discourages them), an old button is refused', async () => {
      const choose = await start();
      const pick = await press(choose, 'Use a phone');
      const textOrCall = await press(pick, 'I picked Phone ▶');
      const text = await press(textOrCall, 'Text');
      expect(text.texts.join(' ')).to.match(/text, RCS or WhatsApp/);
      expect(text.texts.join(' ')).to.match(
        /IT will never ask for your password or for the codes Microsoft sends you/,
      );
      const second = await press(text, 'Done ▶');
      expect(second.texts.join(' ')).to.not.match(/Security questions/);
      expect(second.buttons.map((b) => b.title)).to.not.include('Use questions');
      const replies = await h.send(
        submitActivity(sam, { verb: 'guide.choose', from: 'chooseSecond', choice: 'questions' }),
      );
      expect(replies.flatMap(cardsOf).map(headingOf)).to.deep.equal([
        "That option isn't available now",
        'Now choose your second method',
      ]);
      expect((await h.progress.get(sam.aadObjectId))?.value.second).to.equal(undefined);
    });

    it('a text first, then a personal email: nearly done, the app still needed before texts stop', async () => {
      const choose = await start();
      const textOrCall = await press(await press(choose, 'Use a phone'), 'I picked Phone ▶');
      const second = await press(await press(textOrCall, 'Text'), 'Done ▶');
      const finished = await press(await press(second, 'Use email'), 'Done ▶');
      expect(headingOf(finished)).to.equal('Nearly done!');
      expect(finished.texts.join(' ')).to.match(
        /only use texts or calls, and they stop working on \*\*1 February 2027\*\*/,
      );
      expect(finished.texts.join(' ')).to.match(/No smartphone\? Tap \*\*I'm stuck\*\*/);
      expect(finished.buttons.map((b) => b.title)).to.include.members(['Add the app ▶', "I'm stuck"]);
    });

    it("no smartphone: IT's token or key now, not texts that stop at the cut-off", async () => {
      const choose = await start();
      const none = await press(choose, "I don't have one");
      expect(headingOf(none)).to.equal('No smartphone? You can still do this');
      const words = none.texts.join(' ');
      expect(words).to.match(/\*\*token\*\*.*works to sign in and to reset your password/);
      expect(words).to.match(/\*\*security key\*\*.*not to reset your password/);
      expect(words).to.match(
        /Texts and calls stop on 1 February 2027, so don't wait for them\. Ask IT now\./,
      );
      expect(words).to.match(/room \*\*3L23\*\*/);
      expect(none.buttons.map((b) => b.title)).to.deep.equal([
        'Get help from IT',
        '◀ Back',
        "I'm stuck",
        'Start again',
      ]);
      // Its help button goes straight to "how would you like help?" for a missing smartphone.
      const way = await press(none, 'Get help from IT');
      expect(headingOf(way)).to.equal('How would you like help?');
      expect(way.texts).to.include("Problem: **I don't have a smartphone**.");
    });
  });

  describe('after Microsoft stops texts and calls (1 February 2027)', () => {
    beforeEach(() => h.clock.set('2027-02-02T09:00:00Z'));

    it('offers no phone, and sends a pupil with no smartphone to IT Support', async () => {
      const choose = await start();
      expect(choose.buttons.map((b) => b.title)).to.not.include('Use a phone');
      const none = await press(choose, "I don't have one");
      expect(none.texts.join(' ')).to.match(/room \*\*3L23\*\*/);
      expect(none.texts.join(' ')).to.not.match(/Texts and calls stop/);
      expect(none.texts.join(' ')).to.match(/ITServiceDesk@kenstimpson\.org\.uk/);
      expect(none.buttons.map((b) => b.title)).to.not.include('Use a text or call ▶');
    });

    it('answers an old "Use a phone" button politely and shows today\'s choices', async () => {
      const replies = await h.send(
        submitActivity(sam, { verb: 'guide.choose', from: 'chooseFirst', choice: 'phone' }),
      );
      const cards = replies.flatMap(cardsOf);
      expect(cards.map(headingOf)).to.deep.equal([
        "That option isn't available now",
        'Choose your first method',
      ]);
      expect(cards[1]!.buttons.map((b) => b.title)).to.not.include('Use a phone');
    });
  });

  describe('back, start again, stale cards', () => {
    it('Back returns to the previous step and Start again to the first choice', async () => {
      const choose = await start();
      const get = await press(choose, 'Use the app');
      const open = await press(get, "I've got the app ▶");
      const backToGet = await press(open, '◀ Back');
      expect(headingOf(backToGet)).to.equal('Get the Microsoft Authenticator app');
      const backToChoose = await press(backToGet, '◀ Back');
      expect(headingOf(backToChoose)).to.equal('Choose your first method');
      const again = await press(open, 'Start again');
      expect(headingOf(again)).to.equal('Choose your first method');
      expect((await h.progress.get(sam.aadObjectId))?.value.history).to.deep.equal(['welcome']);
    });

    it('acts on the card that was pressed, even an older one', async () => {
      const choose = await start();
      const get = await press(choose, 'Use the app');
      const open = await press(get, "I've got the app ▶");
      await press(open, 'I can see a QR code ▶');
      // Pressing Next on the older "get the app" card moves on from that card.
      const again = await press(get, "I've got the app ▶");
      expect(headingOf(again)).to.equal('Open the sign-up page');
      const back = await press(again, '◀ Back');
      expect(headingOf(back)).to.equal('Get the Microsoft Authenticator app');
    });
  });

  describe("I'm stuck", () => {
    it('records the step, says how to reach IT Support and leads into the help flow', async () => {
      const choose = await start();
      const get = await press(choose, 'Use the app');
      const open = await press(get, "I've got the app ▶");
      const scan = await press(open, 'I can see a QR code ▶');
      const help = await press(scan, "I'm stuck");
      expect(headingOf(help)).to.equal("Let's get you some help");
      expect(help.texts).to.include('You got to: Scan the QR code');
      expect(help.texts).to.include('Walk in: IT Support, room 3L23');
      expect(help.texts).to.include('Open: Monday to Friday, 8:30am to 4pm');
      expect((await h.progress.get(sam.aadObjectId))?.value.stuckAt).to.equal('first.app.scan');
      // Changing their mind: "Something else" has the way back to the step (the rest is helpConversation).
      const more = await press(help, 'Something else ▶');
      const back = await press(more, 'Back to where I was');
      expect(headingOf(back)).to.equal('Scan the QR code');
    });
  });

  describe('progress survives a restart', () => {
    it('resumes from SQLite after the process restarts', async () => {
      const choose = await start();
      const get = await press(choose, 'Use the app');
      await press(get, "I've got the app ▶");
      h.restart();
      const hello = await say('hiya');
      expect(headingOf(hello)).to.equal('Welcome back, Sam!');
      expect(hello.texts).to.include('You were at: **Open the sign-up page**.');
      const step = await press(hello, 'Carry on ▶');
      expect(headingOf(step)).to.equal('Open the sign-up page');
    });
  });

  describe('side branches (lost phone) say nothing about how far the pupil got', () => {
    async function finish(): Promise<void> {
      const get = await press(await start(), 'Use the app');
      const open = await press(get, "I've got the app ▶");
      const scan = await press(open, 'I can see a QR code ▶');
      const second = await press(await press(scan, 'Done ▶'), 'Approved ▶');
      const finished = await press(await press(second, 'Use email'), 'Done ▶');
      expect(headingOf(finished)).to.equal("🎉 That's it, you're done!");
    }

    it('a pupil who finished, then asked about a lost phone, is greeted as finished and "start" starts over', async () => {
      await finish();
      expect(headingOf(await say('I lost my phone'))).to.equal('Lost your phone?');
      expect(headingOf(await say('hi'))).to.equal('Hi Sam! 👋');
      expect(headingOf(await say('start'))).to.equal('Choose your first method');
    });

    it('a pupil part-way who asked about a lost phone is offered to carry on', async () => {
      await press(await start(), 'Use the app');
      expect(headingOf(await say('I lost my phone'))).to.equal('Lost your phone?');
      expect(headingOf(await say('hi'))).to.equal('Welcome back, Sam!');
    });
  });

  describe('free text', () => {
    const cases: [string, string][] = [
      ['hello', 'Hi Sam! 👋'],
      ['START', 'Choose your first method'],
      ['status', "You haven't started yet"],
      ["I've done it", 'Not quite done yet'],
      ['help', "Let's get you some help"],
      ['hlep', "Let's get you some help"],
      ['it doesnt work', "Let's get you some help"],
      ['new phone', 'Got a new phone?'],
      ['I lost my phone', 'Lost your phone?'],
      ['someone is signing in as me', "A sign-in you didn't start?"],
      ["I didn't sign in", "A sign-in you didn't start?"],
      ['it wants a passkey', 'Asked to add a passkey?'],
      ['no smartphone', 'No smartphone? You can still do this'],
      ["i don't have a smart phone", 'No smartphone? You can still do this'],
      ['what is this?', 'What is this?'],
      ['whats 2fa', 'What is this?'],
      ['thanks', "You're welcome! 😊"],
      ['purple monkey dishwasher', "Sorry, I didn't get that"],
      ['', "Sorry, I didn't get that"],
      ['<p>help&nbsp;</p>', "Let's get you some help"],
    ];
    for (const [text, heading] of cases) {
      it(`"${text}" → ${heading}`, async () => {
        const card = await say(text);
        expect(headingOf(card)).to.equal(heading);
        expect(card.buttons.length, 'every answer has buttons').to.be.greaterThan(0);
      });
    }

    it('a message whose text is not a string (a broken client) gets the "didn\'t get that" card, not a crash', async () => {
      for (const text of [42, { html: 'help' }, ['help'], true]) {
        const replies = await h.send({ ...textActivity(sam, ''), text: text as unknown as string });
        expect(headingOf(onlyCard(replies)), JSON.stringify(text)).to.equal("Sorry, I didn't get that");
      }
      expect(h.turnErrors).to.deep.equal([]);
    });

    it('warns about codes, numbers and passwords and keeps none of them', async () => {
      for (const text of ['my code is 482913', '07700 900 123', 'my password is Summer2026!']) {
        const card = await say(text);
        expect(headingOf(card)).to.equal("⚠️ Please don't send me that");
      }
      const fs = await import('node:fs');
      const path = await import('node:path');
      const files = fs
        .readdirSync(h.dataDir)
        .map((f) => fs.readFileSync(path.join(h.dataDir, f)).toString('latin1'));
      for (const secret of ['482913', '900 123', 'Summer2026']) {
        expect(
          files.some((content) => content.includes(secret)),
          secret,
        ).to.equal(false);
      }
    });

    it('"start" part-way offers to carry on rather than starting over', async () => {
      const choose = await start();
      await press(choose, 'Use the app');
      const card = await say('start');
      expect(headingOf(card)).to.equal('Welcome back, Sam!');
    });
  });

  describe('untrusted card submits', () => {
    const bad: [string, unknown][] = [
      ['no verb', { from: 'welcome' }],
      ['unknown verb', { verb: 'admin.deleteEveryone' }],
      ['unknown step', { verb: 'guide.next', from: '../../etc/passwd' }],
      ['wrong type', { verb: 'guide.choose', from: 'chooseFirst', choice: 42 }],
      ['a string', 'guide.next'],
      ['an array', [1, 2, 3]],
      ['a huge payload', { verb: 'guide.next', from: 'x'.repeat(100_000) }],
    ];
    for (const [what, value] of bad) {
      it(`answers ${what} politely without throwing`, async () => {
        const card = onlyCard(await h.send(submitActivity(sam, value)));
        expect(headingOf(card)).to.equal("Sorry, that button didn't work");
        expect(card.buttons.map((b) => b.title)).to.include('Start again');
      });
    }

    it('refuses a choice the step does not offer', async () => {
      await start();
      const replies = await h.send(
        submitActivity(sam, { verb: 'guide.choose', from: 'chooseFirst', choice: 'email' }),
      );
      expect(replies.flatMap(cardsOf).map(headingOf)[0]).to.equal("That option isn't available now");
    });
  });

  describe('Action.Execute', () => {
    it('replaces the pressed card with the next one through the invoke response', async () => {
      await h.send(installActivity(sam));
      const replies = await h.send(executeActivity(sam, 'guide.start', { verb: 'guide.start' }));
      const invokeResponse = replies.find((r) => r.type === 'invokeResponse');
      const body = (invokeResponse?.value as { body: { type: string; value: Record<string, unknown> } }).body;
      expect(body.type).to.equal('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(body.value)).to.contain('Choose your first method');
    });

    it('answers a malformed invoke with the "button didn\'t work" card', async () => {
      const replies = await h.send({ ...executeActivity(sam, 'x', {}), value: { nonsense: true } });
      const invokeResponse = replies.find((r) => r.type === 'invokeResponse');
      expect(JSON.stringify(invokeResponse?.value)).to.contain("Sorry, that button didn't work");
    });
  });

  describe('tenant and chat guard', () => {
    it('gives no service to another tenant and stores nothing', async () => {
      const replies = await h.send(
        textActivity(sam, 'hello', { tenantId: '99999999-9999-4999-8999-999999999999' }),
      );
      expect(replies).to.have.length(0);
      expect(await h.progress.get(sam.aadObjectId)).to.equal(undefined);
      expect(await h.references.get(sam.aadObjectId)).to.equal(undefined);
    });

    it('answers an invoke from another tenant with 403', async () => {
      const replies = await h.send(
        executeActivity(
          sam,
          'guide.start',
          { verb: 'guide.start' },
          { tenantId: '99999999-9999-4999-8999-999999999999' },
        ),
      );
      expect(replies).to.have.length(1);
      expect((replies[0]!.value as { status: number }).status).to.equal(403);
    });

    it('says nothing when added to a team or a group chat, and keeps no progress for the installer', async () => {
      const team = { conversationType: 'channel', conversationId: '19:it-team@thread.tacv2' };
      expect(await h.send(installActivity(sam, team))).to.deep.equal([]);
      expect(await h.send(botAddedActivity(sam, team))).to.deep.equal([]);
      expect(
        await h.send(
          installActivity(sam, { conversationType: 'groupChat', conversationId: '19:g@thread.v2' }),
        ),
      ).to.deep.equal([]);
      expect(await h.progress.get(sam.aadObjectId)).to.equal(undefined);
      expect(await h.references.get(sam.aadObjectId)).to.equal(undefined);
    });

    it("removed from a team, it keeps the remover's own 1:1 chat (nudges and notices still reach them)", async () => {
      await h.send(installActivity(sam));
      const team = { conversationType: 'channel', conversationId: '19:it-team@thread.tacv2' };
      await h.send(uninstallActivity(sam, team));
      expect((await h.references.get(sam.aadObjectId))?.conversationId).to.equal(
        `a:personal-${sam.aadObjectId}`,
      );
    });

    it('answers a card pressed in a group chat with "private chat only", not with the guide', async () => {
      const replies = await h.send(
        executeActivity(sam, 'guide.start', { verb: 'guide.start' }, { conversationType: 'groupChat' }),
      );
      expect(replies).to.have.length(1);
      const body = (replies[0]!.value as { body: { type: string; value: { text: string } } }).body;
      expect(body.type).to.equal('application/vnd.microsoft.activity.message');
      expect(body.value.text).to.equal('I only work in a private chat. Open a chat with me to get started.');
      expect(await h.progress.get(sam.aadObjectId)).to.equal(undefined);
    });

    it('only works in a personal chat', async () => {
      const replies = await h.send(textActivity(sam, 'hello', { conversationType: 'groupChat' }));
      expect(replies.map((r) => r.text)).to.deep.equal([
        'I only work in a private chat. Open a chat with me to get started.',
      ]);
    });
  });
});
