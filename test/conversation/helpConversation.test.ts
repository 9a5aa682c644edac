import { expect } from 'chai';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import {
  executeActivity,
  installActivity,
  submitActivity,
  testUser,
  type TestUser,
} from '../support/activities';
import { button, headingOf, onlyCard, type CardView } from '../support/cards';
import { ConversationHarness } from '../support/conversationHarness';
import { harnessWalk, type CardWalk } from '../support/walk';

/** Every way a pupil can ask for help, on the bot with the demo school and a recording mailer. */
describe('"I need help" in the conversation', () => {
  let h: ConversationHarness;
  let sam: TestUser;
  let say: CardWalk['say'];
  let press: CardWalk['press'];

  beforeEach(() => {
    h = new ConversationHarness({ now: '2026-11-30T10:00:00Z' });
    sam = testUser('Sam Taylor', DEMO_USERS.samTaylor);
    ({ say, press } = harnessWalk(h, sam));
  });
  afterEach(() => h.close());

  /** The conversation as someone other than Sam walks it. */
  const as = (user: TestUser) => harnessWalk(h, user);
  const titles = (view: CardView) => view.buttons.map((b) => b.title);
  const reference = (view: CardView) =>
    view.texts.find((t) => t.startsWith('Your reference: '))?.slice('Your reference: '.length);

  /** Into the guide as far as "Scan the QR code". */
  async function toScan(): Promise<CardView> {
    const welcome = onlyCard(await h.send(installActivity(sam)));
    const choose = await press(welcome, "Let's start ▶");
    const get = await press(choose, 'Use the app');
    const open = await press(get, "I've got the app ▶");
    return press(open, 'I can see a QR code ▶');
  }

  describe('every way in leads to the same first card', () => {
    it('"I\'m stuck" on a guide step', async () => {
      const help = await press(await toScan(), "I'm stuck");
      expect(headingOf(help)).to.equal("Let's get you some help");
      expect(help.texts).to.include('You got to: Scan the QR code');
      expect(titles(help)).to.deep.equal([
        '📵 No smartphone',
        '📱 Lost or new phone',
        "💬 Text or call won't come",
        "📷 The app won't scan",
        'Something else ▶',
      ]);
    });

    it('"I need help" on the welcome card, on the status card, and as Action.Execute', async () => {
      const welcome = onlyCard(await h.send(installActivity(sam)));
      expect(headingOf(await press(welcome, 'I need help'))).to.equal("Let's get you some help");
      const status = await say('status');
      expect(headingOf(await press(status, 'I need help'))).to.equal("Let's get you some help");
      const replies = await h.send(executeActivity(sam, 'guide.stuck', { from: 'chooseFirst' }));
      const invoke = replies.find((r) => r.type === 'invokeResponse');
      const body = (invoke?.value as { body?: { value?: { body?: { text?: string }[] } } }).body;
      expect(body?.value?.body?.[0]?.text).to.equal("Let's get you some help");
    });

    for (const text of ['help', 'stuck', "it doesn't work", 'I need help', 'hlep', '<p>help&nbsp;</p>']) {
      it(`typed "${text}"`, async () => {
        expect(headingOf(await say(text))).to.equal("Let's get you some help");
      });
    }
  });

  it('buttons only (a phone): problem → walk in → send: one mail, the reference, where to go', async () => {
    const help = await press(await toScan(), "I'm stuck");
    const way = await press(help, "📷 The app won't scan");
    expect(headingOf(way)).to.equal('How would you like help?');
    expect(titles(way)).to.deep.equal(["🚶 I'll walk in", '📅 Book a time', '✉️ Email me back', '◀ Back']);
    const review = await press(way, "🚶 I'll walk in");
    expect(headingOf(review)).to.equal('Send this to IT Support?');
    expect(review.texts).to.include.members([
      "Problem: The app won't scan the QR code",
      "Help: I'll walk in to IT Support",
    ]);
    expect((review.card as { version: string }).version).to.equal('1.2');
    const sent = await press(review, 'Send to IT ✉');
    expect(headingOf(sent)).to.equal('Sent to IT Support ✅');
    expect(reference(sent)).to.match(/^MFA-[34679ACDEFGHJKMNPQRTWXY]{4}$/);
    expect(sent.texts.join(' ')).to.contain(
      'Go to **IT Support, room 3L23** (Monday to Friday, 8:30am to 4pm)',
    );
    expect(titles(sent)).to.deep.equal(['Back to where I was', 'Show my support code']);
    expect(h.mailer.accepted).to.have.length(1);
    const mail = h.mailer.accepted[0]!;
    expect(mail.subject).to.equal(`[${reference(sent)}] MFA help: Authenticator app won't scan`);
    expect(mail.html).to.contain('Scan the QR code');
    expect(mail.html).to.contain('Sam Taylor');
    expect(headingOf(await press(sent, 'Back to where I was'))).to.equal('Scan the QR code');
  });

  it('book a time: the next three support days, morning or afternoon, and the day in the answer', async () => {
    const help = await say('help');
    const way = await press(help, '📱 Lost or new phone');
    expect(way.texts).to.include('If someone might have your phone, tell IT Support today.');
    const day = await press(way, '📅 Book a time');
    expect(headingOf(day)).to.equal('Which day suits you?');
    // Monday 30 November: Tuesday to Thursday; a Friday ask would skip the weekend.
    expect(titles(day)).to.deep.equal([
      'Tuesday 1 December',
      'Wednesday 2 December',
      'Thursday 3 December',
      '◀ Back',
    ]);
    const part = await press(day, 'Wednesday 2 December');
    expect(titles(part)).to.deep.equal(['Morning', 'Afternoon', '◀ Back']);
    const review = await press(part, 'Afternoon');
    expect(review.texts).to.include('When: Wednesday 2 December, afternoon');
    const sent = await press(review, 'Send to IT ✉');
    expect(sent.texts.join(' ')).to.contain('to fix a time on **Wednesday 2 December 2026** (afternoon)');
    expect(h.mailer.accepted[0]!.html).to.contain(
      'Wants to book a time: Wednesday 2 December 2026, afternoon',
    );
  });

  it('a booking card kept until its day has passed asks for the day again', async () => {
    const way = await press(await say('help'), '📱 Lost or new phone');
    const part = await press(await press(way, '📅 Book a time'), 'Tuesday 1 December');
    const review = await press(part, 'Morning');
    h.clock.set('2026-12-02T09:00:00Z');
    const again = await press(review, 'Send to IT ✉');
    expect(headingOf(again)).to.equal('Which day suits you?');
    expect(again.texts[1]).to.equal('That day is gone now. Please pick again.');
    expect(h.mailer.accepted).to.have.length(0);
  });

  it('something else → locked out → email me back, with a few words typed into the form', async () => {
    const more = await press(await say('help'), 'Something else ▶');
    expect(titles(more)).to.deep.equal([
      "🚨 A sign-in I didn't start",
      "🔒 I'm locked out",
      '⚠️ I see an error',
      '❓ Something else',
      "Let's start ▶",
    ]);
    const way = await press(more, "🔒 I'm locked out");
    expect(headingOf(await press(way, '◀ Back'))).to.equal("What's the problem?");
    const review = await press(way, '✉️ Email me back');
    const form = await press(review, '✏️ Add a few words first');
    expect((form.card as { version: string }).version).to.equal('1.3');
    const input = (
      form.card.body as { type: string; id?: string; label?: string; maxLength?: number }[]
    ).find((e) => e.type === 'Input.Text');
    expect(input).to.include({ id: 'words', label: 'What happened? (optional)', maxLength: 500 });
    const sent = onlyCard(
      await h.send(
        submitActivity(sam, { ...button(form, 'Send to IT ✉').data, words: 'It says my account is locked.' }),
      ),
    );
    expect(sent.texts.join(' ')).to.contain('IT will reply to your **school email address**');
    expect(h.mailer.accepted[0]!.html).to.contain('It says my account is locked.');
    expect(h.mailer.accepted[0]!.subject).to.contain('Locked out');
  });

  it('200,000 characters pasted into the form: the request still goes, cut to the limit, and the turn answers', async () => {
    const review = await press(await press(await say('help'), "📷 The app won't scan"), '✉️ Email me back');
    const form = await press(review, '✏️ Add a few words first');
    const sent = onlyCard(
      await h.send(submitActivity(sam, { ...button(form, 'Send to IT ✉').data, words: 'x'.repeat(200_000) })),
    );
    expect(headingOf(sent)).to.equal('Sent to IT Support ✅');
    const html = h.mailer.accepted[0]!.html;
    expect(html).to.contain('x'.repeat(500));
    expect(html).to.not.contain('x'.repeat(501));
  });

  it('a phone number and a code typed into the form are neither stored nor mailed; the rest of the words are', async () => {
    h.mailer.outcomes = [{ kind: 'retry', status: 503 }];
    const review = await press(
      await press(await say('help'), "💬 Text or call won't come"),
      '✉️ Email me back',
    );
    const form = await press(review, '✏️ Add a few words first');
    const words = 'texts never come to my mobile 07700 900123, code was 123456';
    const saved = onlyCard(
      await h.send(submitActivity(sam, { ...button(form, 'Send to IT ✉').data, words })),
    );
    expect(headingOf(saved)).to.equal('Saved: on its way to IT 📨');
    // Until the mail is accepted the store holds the words and the composed mail.
    const stored = await h.escalationStore.findByReference(reference(saved)!);
    expect(stored?.words?.text).to.equal('texts never come to my mobile [removed], code was [removed]');
    const json = JSON.stringify(await h.escalationStore.get(stored!.id));
    expect(json).to.not.contain('07700').and.to.not.contain('900123').and.to.not.contain('123456');
    h.clock.advance(60_000);
    h.outbox.kick();
    await h.outbox.idle();
    const html = h.mailer.accepted[0]!.html;
    expect(html).to.contain('texts never come to my mobile [removed], code was [removed]');
    expect(html).to.not.contain('07700').and.to.not.contain('123456');
  });

  it('the back buttons walk back through the flow without sending anything', async () => {
    const help = await say('help');
    const way = await press(help, '📵 No smartphone');
    expect(way.texts).to.include("That's fine. IT can give you a key or a one-time pass instead.");
    const review = await press(way, "🚶 I'll walk in");
    const form = await press(review, '✏️ Add a few words first');
    expect(headingOf(await press(form, '◀ Back'))).to.equal('Send this to IT Support?');
    expect(headingOf(await press(review, '◀ Back'))).to.equal('How would you like help?');
    expect(headingOf(await press(way, '◀ Back'))).to.equal("Let's get you some help");
    expect(h.mailer.attempts).to.have.length(0);
  });

  it('pressing Send twice is one escalation and one mail; the second answer says so', async () => {
    const review = await press(await press(await say('help'), "📷 The app won't scan"), "🚶 I'll walk in");
    const first = await press(review, 'Send to IT ✉');
    const second = await press(review, 'Send to IT ✉');
    expect(headingOf(second)).to.equal('Already sent ✅');
    expect(reference(second)).to.equal(reference(first));
    expect(h.mailer.accepted).to.have.length(1);
  });

  it('the daily limit: a fourth request the same school day is answered politely, and the next day is fine', async () => {
    const references: string[] = [];
    for (let i = 0; i < 4; i++) {
      const review = await press(await press(await say('help'), '📵 No smartphone'), '✉️ Email me back');
      const answer = await press(review, 'Send to IT ✉');
      if (i < 3) references.push(reference(answer)!);
      else {
        expect(headingOf(answer)).to.equal("You've already asked IT today");
        expect(answer.texts.join(' ')).to.contain(`(**${references.join(', ')}**)`);
      }
    }
    expect(h.mailer.accepted).to.have.length(3);
    h.clock.set('2026-12-01T08:00:00Z');
    const review = await press(await press(await say('help'), '📵 No smartphone'), '✉️ Email me back');
    expect(headingOf(await press(review, 'Send to IT ✉'))).to.equal('Sent to IT Support ✅');
  });

  it('Graph slow: "on its way" in the turn, then a message when the mail has gone', async () => {
    h.mailer.outcomes = [
      { kind: 'retry', status: 503 },
      { kind: 'retry', status: 429, retryAfterMs: 30 },
    ];
    const review = await press(await press(await say('help'), '📵 No smartphone'), "🚶 I'll walk in");
    const saved = await press(review, 'Send to IT ✉');
    expect(headingOf(saved)).to.equal('Saved: on its way to IT 📨');
    expect(saved.texts.join(' ')).to.contain("You don't need to send it again.");
    // The harness clock stands still: move it past each retry's time.
    for (let i = 0; i < 5 && h.mailer.accepted.length === 0; i++) {
      h.clock.advance(60_000);
      h.outbox.kick();
      await h.outbox.idle();
    }
    expect(h.messenger.to(sam.aadObjectId).map(headingOf)).to.deep.equal([
      'Your message reached IT Support 📬',
    ]);
    expect(h.mailer.attempts).to.have.length(3);
    expect(h.mailer.accepted).to.have.length(1);
  });

  it('Graph refuses the mail (403): the user is told to walk in, with the reference', async () => {
    h.mailer.outcomes = [{ kind: 'rejected', status: 403, code: 'ErrorAccessDenied' }];
    const review = await press(await press(await say('help'), '📵 No smartphone'), "🚶 I'll walk in");
    const failed = await press(review, 'Send to IT ✉');
    expect(headingOf(failed)).to.equal("Sorry, I couldn't reach IT Support");
    expect(failed.texts.join(' ')).to.match(/Tell them your reference: \*\*MFA-\w{4}\*\*/);
    expect((await h.escalationStore.due(h.clock.now(), 10)).length).to.equal(0);
  });

  it('a tampered or incomplete help button gets a polite card, not an error', async () => {
    const broken = onlyCard(
      await h.send(submitActivity(sam, { verb: 'help.send', formId: 'x', category: 'bogus' })),
    );
    expect(headingOf(broken)).to.equal("Sorry, that button didn't work");
    const unfinished = onlyCard(
      await h.send(submitActivity(sam, { verb: 'help.send', formId: 'form-12345', category: 'other' })),
    );
    expect(headingOf(unfinished)).to.equal('How would you like help?');
    expect(h.mailer.attempts).to.have.length(0);
  });

  describe('support codes', () => {
    it('"my support code" and the button show a 6-digit code with the warning about callers', async () => {
      const card = await say('my support code');
      expect(headingOf(card)).to.match(/^Your support code: \d{3} \d{3}$/);
      expect(card.texts.join(' ')).to.contain('Never read it to anyone who calls or messages you');
      expect(card.texts.join(' ')).to.contain('Never tell anyone the codes Microsoft sends you');
      // Within the same 30-second step the code stays; in the next one, the button shows the next code.
      const same = await press(card, 'Show a new code');
      expect(headingOf(same)).to.equal(headingOf(card));
      h.clock.advance(30_000);
      const next = await press(card, 'Show a new code');
      expect(headingOf(next)).to.match(/^Your support code: \d{3} \d{3}$/);
      expect(headingOf(next)).to.not.equal(headingOf(card));
    });

    it('a 6-digit code typed on its own is still refused as sensitive (the bot never asks for codes)', async () => {
      expect(headingOf(await say('482913'))).to.equal("⚠️ Please don't send me that");
    });

    it('"verify" with a code from a pupil: the same refusal whatever follows, no hint of how it works, a way on', async () => {
      const cards = [];
      for (const text of [
        'verify sam.taylor@kscs.org.uk 123456',
        'verify nobody@kscs.org.uk 123456',
        'verify MFA-7K2Q 123 456',
      ]) {
        cards.push((await as(testUser('Priya Shah', DEMO_USERS.priyaShah)).say(text)).card);
      }
      expect(cards.map((c) => JSON.stringify(c))).to.deep.equal(Array(3).fill(JSON.stringify(cards[0])));
      const refusal = await say('verify sam.taylor@kscs.org.uk 123456');
      expect(headingOf(refusal)).to.equal("Sorry, I can't check codes for you");
      expect(refusal.buttons.map((b) => b.title)).to.deep.equal(['Carry on ▶', 'Check my status']);
    });

    it('"verify my account" from a pupil is an ordinary message, not the desk\'s command', async () => {
      for (const text of ['verify my account', 'verify']) {
        const card = await say(text);
        expect(headingOf(card), text).to.equal("Sorry, I didn't get that");
      }
    });

    it('the desk (Daniel, in the demo service-desk group) checks Sam by the reference of his request', async () => {
      const daniel = testUser('Daniel Okafor', DEMO_USERS.danielOkafor);
      expect(headingOf(await as(daniel).say('verify'))).to.equal('Check a support code');
      const review = await press(await press(await say('help'), '📵 No smartphone'), "🚶 I'll walk in");
      const ref = reference(await press(review, 'Send to IT ✉'))!;
      const code = /(\d{3}) (\d{3})$/.exec(headingOf(await say('my support code')))!;
      const valid = await as(daniel).say(`verify ${ref.toLowerCase()} ${code[1]} ${code[2]}`);
      expect(headingOf(valid)).to.equal('✅ Code valid');
      expect(valid.texts).to.include.members([
        'This is **Sam Taylor** (sam.taylor@kscs.org.uk).',
        'Year / dept: Year 8',
        `Request: ${ref}`,
      ]);
      expect(headingOf(await as(daniel).say(`verify sam.taylor@kscs.org.uk ${code[1]}${code[2]}`))).to.equal(
        '❌ Not valid',
      );
      const audit = await h.supportCodeStore.recentChecks(5);
      expect(audit.map((c) => [c.checkerId, c.targetUserId, c.targetKind, c.outcome])).to.deep.equal([
        [DEMO_USERS.danielOkafor, DEMO_USERS.samTaylor, 'upn', 'replay'],
        [DEMO_USERS.danielOkafor, DEMO_USERS.samTaylor, 'reference', 'valid'],
      ]);
    });
  });
});
