import { expect } from 'chai';
import { submitActivity, testUser, type ActivityOptions, type TestUser } from '../support/activities';
import { postActivity, startBot, stopCleanly, type BotProcess } from '../support/botProcess';
import { button, cardsOf, headingOf, type CardView } from '../support/cards';
import { ConnectorStandIn } from '../support/connectorStandIn';
import {
  DESK_ID,
  DESK_MAILBOX,
  IT_CHANNEL,
  PUPIL_ID,
  referenceOn,
  startEscalationTenant,
  outboxSettled,
  type EscalationTenant,
} from '../support/escalationTenant';
import type { GraphStandIn } from '../support/graph/graphStandIn';
import type { MailStandIn, SentMessage } from '../support/graph/mailRoutes';
import { TEST_APP } from '../support/graphTenant';
import { expectNoPersonalData } from '../support/personalData';
import { until } from '../support/until';
import { processWalk, type CardWalk } from '../support/walk';

/** What a pupil might type: markup, a fake header with CR/LF, emoji, Arabic (right to left), and then a lot. */
const HOSTILE_WORDS = [
  '<script>alert("x")</script><img src=x onerror=alert(1)>',
  'Subject: hacked\r\nBcc: thief@example.com\r\n\r\nfake body',
  'القارئ لا يمسح الرمز 📱😭👍🏽',
  'a'.repeat(10_000),
].join('\n');

describe('Escalation end to end (bot process, Graph sendMail and connector stand-ins)', function () {
  this.timeout(90_000);
  let connector: ConnectorStandIn;
  let tenant: EscalationTenant;
  let graph: GraphStandIn;
  let mail: MailStandIn;
  let bot: BotProcess | undefined;
  const pupil = testUser('Pupil One', PUPIL_ID);
  const desk = testUser('Desk Person', DESK_ID);
  const inTenant = (): ActivityOptions => ({ tenantId: TEST_APP.tenantId, serviceUrl: connector.serviceUrl });
  let formCounter = 0;

  function start(extra: Record<string, string> = {}): Promise<BotProcess> {
    return startBot(tenant.env(extra));
  }

  /** The cards the user has been sent so far, in order. */
  function cardsTo(user: TestUser): CardView[] {
    return connector.received
      .filter((r) => r.conversationId === `a:personal-${user.aadObjectId}`)
      .flatMap((r) => cardsOf(r.activity));
  }

  /** The conversation as `user` walks it: each turn posted to the bot, answered with the cards sent to them. */
  const as = (user: TestUser): CardWalk =>
    processWalk({ bot: () => bot!, connector, options: inTenant }, user);

  /** A help request sent straight from a review card's Send button (a fresh form unless one is given). */
  function sendActivity(words?: string, formId = `e2e-form-${++formCounter}`) {
    return submitActivity(
      pupil,
      { verb: 'help.send', formId, from: 'first.app.scan', category: 'appWontScan', way: 'walkIn', words },
      inTenant(),
    );
  }

  function headerValues(message: SentMessage): string[] {
    return [
      message.subject,
      message.internetMessageId ?? '',
      ...(message.replyTo ?? []).flatMap((r) => [
        String(r.emailAddress?.address),
        String(r.emailAddress?.name),
      ]),
      ...(message.internetMessageHeaders ?? []).flatMap((h) => [h.name, h.value]),
    ];
  }

  beforeEach(async () => {
    connector = await ConnectorStandIn.start();
    tenant = await startEscalationTenant();
    ({ graph, mail } = tenant);
  });

  afterEach(async () => {
    if (bot) {
      const running = bot;
      bot = undefined;
      const logs = await stopCleanly(running);
      // Logs carry ids and references, never names, UPNs or anything typed.
      expectNoPersonalData(logs, {
        names: ['Pupil One', 'Desk Person'],
        upns: ['kscs.org.uk'],
        typed: ['script', 'thief', 'aaaaaaaaaa', 'القارئ'],
      });
    }
    await connector.close();
    await tenant.close();
  });

  it('typed "help", buttons and a few words: one mail at sendMail, to the desk, with the reference, every typed character escaped', async () => {
    bot = await start();
    const help = await as(pupil).say('it doesnt work');
    expect(headingOf(help)).to.equal("Let's get you some help");
    const way = await as(pupil).press(help, "📷 The app won't scan");
    const review = await as(pupil).press(way, "🚶 I'll walk in");
    const form = await as(pupil).press(review, '✏️ Add a few words first');
    expect((form.card as { version: string }).version).to.equal('1.3');
    // Teams merges the input into the Send button's data.
    const [sent] = await as(pupil).turn(
      submitActivity(pupil, { ...button(form, 'Send to IT ✉').data, words: HOSTILE_WORDS }, inTenant()),
    );
    expect(headingOf(sent!)).to.equal('Sent to IT Support ✅');
    const reference = referenceOn(sent!);
    expect(reference).to.match(/^MFA-[34679ACDEFGHJKMNPQRTWXY]{4}$/);

    expect(mail.accepted).to.have.length(1);
    const { sender, message, saveToSentItems } = mail.accepted[0]!;
    expect(sender).to.equal(DESK_MAILBOX);
    expect(saveToSentItems).to.equal(true);
    expect(message.toRecipients).to.deep.equal([{ emailAddress: { address: DESK_MAILBOX } }]);
    expect(message.subject).to.equal(`[${reference}] MFA help: Authenticator app won't scan`);
    expect(message.replyTo).to.deep.equal([
      { emailAddress: { address: 'pupil.one@kscs.org.uk', name: 'Pupil One' } },
    ]);
    expect(message.internetMessageId).to.match(
      new RegExp(`^<[0-9a-f-]{36}\\.${reference.toLowerCase()}@kenstimpson\\.org\\.uk>$`),
    );
    expect(message.internetMessageHeaders).to.deep.equal([
      { name: 'X-MFA-Reference', value: reference },
      { name: 'X-MFA-Category', value: 'appWontScan' },
    ]);
    // Nothing typed reaches a header, and no header holds a line break.
    for (const value of headerValues(message)) {
      expect(value).to.not.match(/[\r\n]|hacked|thief|script|القارئ/);
    }

    const html = message.body.content;
    expect(message.body.contentType).to.equal('HTML');
    expect(html).to.not.match(/<script|<img|onerror=alert\(1\)>/);
    expect(html).to.contain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    // Line breaks kept as breaks; the address typed is taken out like any other (the screening rule).
    expect(html).to.contain('Subject: hacked<br>\nBcc: [removed]');
    expect(html).to.not.contain('thief@example.com');
    expect(html).to.contain('القارئ لا يمسح الرمز 📱😭👍🏽');
    expect(html).to.contain('(Shortened to the first 500 characters.)');
    expect(html).to.not.contain('a'.repeat(500));
    // Who, what, where they got to, their registration, and the plain summary first.
    expect(html.indexOf('<pre')).to.be.lessThan(html.indexOf('<h2>'));
    for (const text of [
      reference,
      'Pupil One',
      'pupil.one@kscs.org.uk',
      'Year 9',
      '>Welcome</td>',
      'Will walk in to IT Support',
      'Sign-in check (MFA): <b>NOT ready</b>',
      'Nothing registered yet.',
      `verify ${reference} &lt;code&gt;`,
    ]) {
      expect(html).to.contain(text);
    }

    // The IT channel gets the card: reference, problem, status; no name, no words.
    await connector.waitFor((r) => r.some((x) => x.conversationId === IT_CHANNEL));
    const copy = connector.received.find((r) => r.conversationId === IT_CHANNEL)!;
    const card = cardsOf(copy.activity)[0]!;
    expect(headingOf(card)).to.equal(`🆘 Help request ${reference}`);
    expect(card.texts).to.include('Mail: ✅ Delivered');
    expect(JSON.stringify(copy.activity)).to.not.match(/Pupil One|pupil\.one|script|القارئ/);
  });

  it('Graph answers 503 then 202: one mail, and the user told "on its way" then "reached IT"', async () => {
    bot = await start({ ESCALATION_IN_TURN_WAIT_MS: '300' });
    graph.tenant.server.failNext(
      { kind: 'status', status: 503, retryAfterSeconds: 1 },
      { path: /\/sendMail$/ },
    );
    const [saved] = await as(pupil).turn(sendActivity());
    expect(headingOf(saved!)).to.equal('Saved: on its way to IT 📨');
    const reference = referenceOn(saved!);
    await until(() => mail.accepted.length === 1, { what: 'the mail' });
    await until(() => cardsTo(pupil).some((c) => headingOf(c) === 'Your message reached IT Support 📬'), {
      what: 'the notice',
    });
    expect(mail.requests().map((r) => r.status)).to.deep.equal([503, 202]);
    expect(mail.accepted[0]!.message.subject).to.contain(reference);
    const [retry] = await bot.logLines('will retry');
    expect(JSON.parse(retry!)).to.include({ status: 503, retryInMs: 1000, reference });
  });

  it('killed (SIGKILL) after storing and before sending: the restarted bot sends it exactly once', async () => {
    // The turn answers "saved" once its short wait for the mail is over (the default waits 2.5 s).
    bot = await start({ GRAPH_REQUEST_TIMEOUT_MS: '20000', ESCALATION_IN_TURN_WAIT_MS: '300' });
    // Graph holds the user lookup the mail needs, so the escalation is stored but not yet mailed.
    graph.tenant.server.failNext({ kind: 'hang' }, { method: 'GET', path: /\/v1\.0\/users\/6d000000/ });
    const [saved] = await as(pupil).turn(sendActivity('please help'));
    expect(headingOf(saved!)).to.equal('Saved: on its way to IT 📨');
    const reference = referenceOn(saved!);
    await bot.kill();
    bot = undefined;
    expect(mail.requests()).to.have.length(0);

    bot = await start();
    await until(() => mail.accepted.length === 1, { what: 'the mail after the restart' });
    await until(() => outboxSettled(bot!), { what: 'the outbox with nothing left to send' });
    expect(mail.requests()).to.have.length(1);
    expect(mail.accepted[0]!.message.subject).to.contain(reference);
    expect(mail.accepted[0]!.message.body.content).to.contain('please help');
    expect(bot.logs().join('\n')).to.not.contain('a duplicate is possible');
    // Sent and stopped: a third start sends nothing more.
    expect(await bot.stop()).to.equal(0);
    bot = await start();
    await until(() => outboxSettled(bot!), { what: 'the outbox with nothing left to send' });
    expect(mail.requests()).to.have.length(1);
  });

  it('killed while sendMail was in flight (the answer lost): resent once after the restart, same Message-ID, logged as a possible duplicate', async () => {
    bot = await start({ MAIL_REQUEST_TIMEOUT_MS: '60000' });
    graph.tenant.server.failNext({ kind: 'hang' }, { path: /\/sendMail$/ });
    await as(pupil).turn(sendActivity());
    await until(() => mail.requests().length === 1, { what: 'the first attempt' });
    await bot.kill();
    bot = undefined;

    bot = await start();
    await until(() => mail.accepted.length === 1, { what: 'the resend' });
    const [first, second] = mail.requests();
    const id = (r: typeof first) => (r!.body as { message: SentMessage }).message.internetMessageId;
    expect(id(second)).to.equal(id(first));
    expect(await bot.logLines('a duplicate is possible')).to.have.length(1);
  });

  it('the same card sent twice (and once more later) is one escalation and one mail', async () => {
    bot = await start();
    const twice = sendActivity('same form');
    const [a, b] = await Promise.all([
      as(pupil).turn(twice),
      as(pupil).turn({ ...twice, id: 'activity-again' }),
    ]);
    const later = await as(pupil).turn({ ...twice, id: 'activity-later' });
    const headings = [...a, ...b, ...later].map(headingOf);
    expect(headings.filter((h) => h === 'Already sent ✅')).to.have.length.greaterThanOrEqual(2);
    expect(new Set([...a, ...b, ...later].map(referenceOn)).size).to.equal(1);
    await until(() => mail.accepted.length === 1 && outboxSettled(bot!), {
      what: 'the mail, then nothing left to send',
    });
    expect(mail.requests()).to.have.length(1);
  });

  it('the daily limit: a fourth request the same day gets a polite answer with the references, and no mail', async () => {
    bot = await start();
    const references: string[] = [];
    for (let i = 0; i < 3; i++) references.push(referenceOn((await as(pupil).turn(sendActivity()))[0]!));
    const [limit] = await as(pupil).turn(sendActivity());
    expect(headingOf(limit!)).to.equal("You've already asked IT today");
    expect(limit!.texts.join(' ')).to.contain(references.join(', '));
    expect(limit!.texts).to.include('Walk in: IT Support, room 3L23');
    expect(mail.accepted).to.have.length(3);
  });

  it('many requests at once: every one mailed, never more than MAIL_CONCURRENCY sends to the mailbox at a time', async () => {
    mail.latencyMs = 300;
    const pupils = [
      pupil,
      testUser('Pupil Two', '6d000000-0000-4000-8000-000000000021'),
      testUser('Pupil Three', '6d000000-0000-4000-8000-000000000022'),
    ];
    for (const p of pupils.slice(1)) {
      graph.addUser({
        id: p.aadObjectId,
        displayName: p.name,
        userPrincipalName: `${p.aadObjectId.slice(-2)}@kscs.org.uk`,
        methods: [],
      });
    }
    bot = await start({ MAIL_CONCURRENCY: '3', ESCALATION_IN_TURN_WAIT_MS: '0' });
    await Promise.all(
      pupils.flatMap((p) =>
        [1, 2, 3].map((i) =>
          postActivity(
            bot!,
            submitActivity(
              p,
              {
                verb: 'help.send',
                formId: `burst-${p.aadObjectId.slice(-2)}-${i}`,
                category: 'other',
                way: 'emailBack',
              },
              inTenant(),
            ),
          ),
        ),
      ),
    );
    await until(() => mail.accepted.length === 9, { what: 'nine mails' });
    expect(mail.maxConcurrent).to.be.within(2, 3);
    expect(mail.requests().every((r) => r.status === 202)).to.equal(true);
    expect(new Set(mail.accepted.map((m) => m.message.internetMessageId)).size).to.equal(9);
  });

  it('support codes: the pupil shows one, the desk checks it by reference (valid, then a replay refused); a pupil cannot check', async () => {
    bot = await start();
    const reference = referenceOn((await as(pupil).turn(sendActivity()))[0]!);
    const codeCard = await as(pupil).say('my support code');
    expect(headingOf(codeCard)).to.match(/^Your support code: \d{3} \d{3}$/);
    const code = /(\d{3}) (\d{3})$/.exec(headingOf(codeCard));
    expect(codeCard.texts.join(' ')).to.contain('Never read it to anyone who calls or messages you');

    const valid = await as(desk).say(`verify ${reference} ${code![1]} ${code![2]}`);
    expect(headingOf(valid)).to.equal('✅ Code valid');
    expect(valid.texts).to.include('This is **Pupil One** (pupil.one@kscs.org.uk).');
    expect(valid.texts).to.include('Year / dept: Year 9');
    const replay = await as(desk).say(`verify pupil.one@kscs.org.uk ${code![1]}${code![2]}`);
    expect(headingOf(replay)).to.equal('❌ Not valid');
    expect(replay.texts[1]).to.contain('already used');

    const refused = await as(pupil).say(`verify ${reference} ${code![1]}${code![2]}`);
    expect(headingOf(refused)).to.equal("Sorry, I can't check codes for you");
  });
});
