import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { installActivity, submitActivity, testUser, type TestUser } from '../support/activities';
import { button, headingOf, onlyCard } from '../support/cards';
import { ConversationHarness } from '../support/conversationHarness';
import { captureLog, type CapturedLog } from '../support/logCapture';
import { harnessWalk, type CardWalk } from '../support/walk';

const HEADING = "⚠️ Please don't send me that";
const DELETE_IT =
  'Please delete your message from this chat. On a computer: point at it, choose **⋯**, then **Delete**. On a phone: press and hold it, then tap **Delete**.';
const NEVER_ASK = 'IT will never ask for your password or for the codes Microsoft sends you.';
const CHANGE_PASSWORD = 'If that was your real password, change it now at **aka.ms/sspr**.';
const NEW_QUESTIONS = 'If that was a real answer, pick new questions at **aka.ms/mfasetup**.';

/** Everything a pupil might type that the bot must never keep: what they see, and that nothing stays. */
describe('Passwords, codes, numbers, addresses and answers typed into the chat or the help form', () => {
  let h: ConversationHarness;
  let captured: CapturedLog;
  let sam: TestUser;
  let say: CardWalk['say'];
  let press: CardWalk['press'];

  beforeEach(() => {
    captured = captureLog('debug');
    h = new ConversationHarness({ now: '2026-11-30T10:00:00Z', log: captured.log });
    sam = testUser('Sam Taylor', DEMO_USERS.samTaylor);
    ({ say, press } = harnessWalk(h, sam));
  });
  afterEach(() => h.close());

  /** Every byte the bot wrote to its database folder, as text. */
  function stored(): string {
    return fs
      .readdirSync(h.dataDir)
      .map((f) => fs.readFileSync(path.join(h.dataDir, f)).toString('latin1'))
      .join('\n');
  }

  describe('in the chat: the kind named, not kept, delete it, and what to change', () => {
    const cases: { kind: string; typed: string; secret: string; says: string[] }[] = [
      {
        kind: 'a password',
        typed: 'my password is Sunshine!',
        secret: 'Sunshine',
        says: [
          "You sent what looked like a password. I haven't kept it, and I never need it.",
          DELETE_IT,
          CHANGE_PASSWORD,
        ],
      },
      {
        kind: 'a code',
        typed: 'pin 4821',
        secret: '4821',
        says: ["You sent what looked like a code. I haven't kept it, and I never need it.", DELETE_IT],
      },
      {
        kind: 'a code on its own',
        typed: '48213',
        secret: '48213',
        says: ["You sent what looked like a code. I haven't kept it, and I never need it.", DELETE_IT],
      },
      {
        kind: 'a phone number',
        typed: 'my mobile is 07700 900123',
        secret: '900123',
        says: [
          "You sent what looked like a phone number. I haven't kept it, and I never need it.",
          DELETE_IT,
        ],
      },
      {
        kind: 'an email address',
        typed: 'can I use jo.bloggs@gmail.com',
        secret: 'bloggs',
        says: ["You sent what looked like an email. I haven't kept it, and I never need it.", DELETE_IT],
      },
      {
        kind: 'a security answer',
        typed: "my mum's maiden name is Pemberton",
        secret: 'Pemberton',
        says: [
          "You sent what looked like an answer to a question. I haven't kept it, and I never need it.",
          DELETE_IT,
          NEW_QUESTIONS,
        ],
      },
      {
        kind: 'several at once',
        typed: 'password: Kitten99 and my email is jo.bloggs@gmail.com',
        secret: 'Kitten99',
        says: [
          "You sent what looked like a password and an email. I haven't kept them, and I never need them.",
          DELETE_IT,
          CHANGE_PASSWORD,
        ],
      },
    ];
    for (const { kind, typed, secret, says } of cases) {
      it(`${kind}: "${typed}"`, async () => {
        await h.send(installActivity(sam));
        const card = await say(typed);
        expect(card.texts).to.deep.equal([HEADING, ...says, NEVER_ASK]);
        expect(card.buttons.map((b) => b.title)).to.deep.equal(["Let's start ▶", 'I need help']);
        // Nothing typed is kept or logged; the log says which kinds were refused, for whom.
        expect(stored()).to.not.contain(secret);
        expect(captured.lines.join('\n')).to.not.contain(secret);
        expect(captured.find(/^text refused$/)).to.have.length(1);
      });
    }

    it('part-way through the guide, "Carry on" takes the pupil back to their step', async () => {
      const welcome = onlyCard(await h.send(installActivity(sam)));
      const choose = await press(welcome, "Let's start ▶");
      const card = await say('the code was 482913');
      expect(headingOf(card)).to.equal(HEADING);
      expect(headingOf(await press(card, 'Carry on ▶'))).to.equal(headingOf(choose));
    });

    it('ordinary messages with numbers are answered as usual', async () => {
      for (const text of [
        'Year 10',
        'error 500',
        'room 3L23',
        'in 2026',
        'is it 11.01.2027?',
        'Windows 11',
      ]) {
        expect(headingOf(await say(text)), text).to.not.equal(HEADING);
      }
    });
  });

  it('in the help form: a password, an email address and codes are neither stored nor mailed, and the pupil is told', async () => {
    // The first attempt fails, so the stored row (words and composed mail) can be read before it is sent.
    h.mailer.outcomes = [{ kind: 'retry', status: 503 }];
    const review = await press(
      await press(await press(await say('help'), 'Something else ▶'), "🔒 I'm locked out"),
      '✉️ Email me back',
    );
    const form = await press(review, '✏️ Add a few words first');
    expect(form.texts).to.include(
      "Don't type passwords, codes, phone numbers or emails here. If you do, I'll take them out.",
    );
    const words =
      'my password is Sunshine! and it says locked. my email is jo.bloggs@gmail.com, the code was 48213 then 582914';
    const saved = onlyCard(
      await h.send(submitActivity(sam, { ...button(form, 'Send to IT ✉').data, words })),
    );
    expect(headingOf(saved)).to.equal('Saved: on its way to IT 📨');
    expect(saved.texts).to.include(
      'I took out what looked like a password, a code and an email before keeping your words. IT never needs them, so I never keep them. If that was your real password, change it now at **aka.ms/sspr**.',
    );
    expect(saved.buttons.map((b) => b.title)).to.deep.equal(["Let's start ▶", 'Show my support code']);

    const kept =
      'my password is [removed] and it says locked. my email is [removed], the code was [removed] then [removed]';
    const reference = saved.texts
      .find((t) => t.startsWith('Your reference: '))!
      .slice('Your reference: '.length);
    const row = await h.escalationStore.findByReference(reference);
    expect(row?.words?.text).to.equal(kept);
    const secrets = ['Sunshine', 'jo.bloggs', 'gmail', '48213', '582914'];
    const everything = `${JSON.stringify(await h.escalationStore.get(row!.id))}\n${stored()}`;
    for (const secret of secrets) expect(everything, secret).to.not.contain(secret);

    h.clock.advance(60_000);
    h.outbox.kick();
    await h.outbox.idle();
    expect(h.mailer.accepted).to.have.length(1);
    const mail = h.mailer.accepted[0]!;
    expect(mail.html).to.contain(kept);
    expect(mail.html).to.contain('([removed] marks something the bot took out before keeping their words');
    for (const secret of secrets) {
      expect(`${mail.subject}\n${mail.html}`, secret).to.not.contain(secret);
      expect(captured.lines.join('\n'), secret).to.not.contain(secret);
    }
    // The log has the kinds, for the record.
    expect(captured.find(/^escalation stored$/)[0]?.removed).to.deep.equal([
      'password',
      'code',
      'emailAddress',
    ]);
  });

  it('in the help form: words with nothing private in them are sent as typed, with no note', async () => {
    const review = await press(
      await press(await press(await say('help'), 'Something else ▶'), '⚠️ I see an error'),
      "🚶 I'll walk in",
    );
    const form = await press(review, '✏️ Add a few words first');
    const words = 'Year 10, room 3L23: error code 53003 since 11.01.2027 on Windows 11';
    const sent = onlyCard(await h.send(submitActivity(sam, { ...button(form, 'Send to IT ✉').data, words })));
    expect(headingOf(sent)).to.equal('Sent to IT Support ✅');
    expect(sent.texts.join(' ')).to.not.contain('I took out');
    expect(h.mailer.accepted[0]!.html).to.contain(words);
    expect(h.mailer.accepted[0]!.html).to.not.contain('[removed]');
  });
});
