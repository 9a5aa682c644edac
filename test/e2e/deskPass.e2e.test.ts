/**
 * The desk's Temporary Access Pass end to end: the built bot over HTTP, against the Graph stand-in (users,
 * the service-desk group, the Temporary Access Pass route with its permission check) and a connector
 * stand-in that keeps what each conversation received.
 */
import { expect } from 'chai';
import { submitActivity, testUser, type ActivityOptions, type TestUser } from '../support/activities';
import { startBot, stopCleanly, type BotProcess } from '../support/botProcess';
import { button, headingOf, type CardView } from '../support/cards';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { DESK_ID, PUPIL_ID, startEscalationTenant, type EscalationTenant } from '../support/escalationTenant';
import { until } from '../support/until';
import { TapStandIn } from '../support/graph/tapRoutes';
import { TEST_APP } from '../support/graphTenant';
import { GRAPH_APP_ROLES } from '../support/tokenEndpoint';
import { onlyOne, processWalk } from '../support/walk';

const PUPIL_UPN = 'pupil.one@kscs.org.uk';
const GIVE = 'Give a Temporary Access Pass';

describe("The desk's Temporary Access Pass end to end (bot process, Graph and connector stand-ins)", function () {
  this.timeout(90_000);
  let connector: ConnectorStandIn;
  let tenant: EscalationTenant;
  let taps: TapStandIn;
  let bot: BotProcess | undefined;
  const pupil = testUser('Pupil One', PUPIL_ID);
  const desk = testUser('Desk Person', DESK_ID);
  const inTenant = (): ActivityOptions => ({ tenantId: TEST_APP.tenantId, serviceUrl: connector.serviceUrl });
  const chatOf = (user: TestUser) => `a:personal-${user.aadObjectId}`;

  const as = (user: TestUser) => processWalk({ bot: () => bot!, connector, options: inTenant }, user);
  /** Each returns the one card that came back to `user`'s chat in the turn. */
  const say = (user: TestUser, text: string) => as(user).say(text);
  const submit = async (user: TestUser, data: unknown) =>
    onlyOne(await as(user).turn(submitActivity(user, data, inTenant())));

  /** The pupil shows their support code; the desk member verifies it. */
  async function verified(): Promise<CardView> {
    const shown = await say(pupil, 'my support code');
    const code = /(\d{3}) (\d{3})$/.exec(headingOf(shown))!;
    const valid = await say(desk, `verify ${PUPIL_UPN} ${code[1]} ${code[2]}`);
    expect(headingOf(valid)).to.equal('✅ Code valid');
    return valid;
  }

  beforeEach(async () => {
    connector = await ConnectorStandIn.start();
    tenant = await startEscalationTenant();
    taps = new TapStandIn(tenant.graph);
  });

  afterEach(async () => {
    try {
      if (bot) {
        const running = bot;
        bot = undefined;
        const logs = await stopCleanly(running);
        // Never a pass, a name, a UPN or anything typed in the log.
        for (const { pass } of taps.issued) expect(logs).to.not.contain(pass);
        expect(logs).to.not.match(/kscs\.org\.uk|Pupil One|Desk Person/);
      }
    } finally {
      // Closed even when an assertion above failed: open servers would keep mocha from ending.
      await connector.close();
      await tenant.close();
    }
  });

  it('verify, then the button: one pass from Graph, shown in the desk\'s chat only; pupils get none by button or by "tap"; a second press gives none', async () => {
    bot = await startBot(tenant.env());
    const offer = await verified();
    const given = await submit(desk, button(offer, GIVE).data);
    expect(headingOf(given)).to.equal('Temporary Access Pass for Pupil One');

    expect(taps.issued).to.have.length(1);
    const [issued] = taps.issued;
    expect(issued).to.include({ userId: PUPIL_ID, lifetimeInMinutes: 60, isUsableOnce: true });
    expect(taps.requests()[0]?.body).to.deep.equal({ isUsableOnce: true, lifetimeInMinutes: 60 });
    // On the wire: the pass went to the desk member's conversation, and to no other.
    const holding = connector.received
      .filter((r) => JSON.stringify(r.activity).includes(issued!.pass))
      .map((r) => r.conversationId);
    expect(holding).to.deep.equal([chatOf(desk)]);
    expect(given.texts).to.include('Go to **aka.ms/mfasetup**.');

    // The pupil replays the desk's button, and types the desk's command: nothing, and Graph is not asked.
    const grantId = button(offer, GIVE).data!.grantId;
    const forged = await submit(pupil, { verb: 'temporaryAccessPass.give', grantId });
    expect(headingOf(forged)).to.equal("Sorry, I can't do that for you");
    const typed = await say(pupil, `tap ${PUPIL_UPN}`);
    expect(headingOf(typed)).to.equal("⚠️ Please don't send me that");
    expect(headingOf(await say(pupil, 'tap'))).to.equal("Sorry, I didn't get that");

    const again = await submit(desk, button(offer, GIVE).data);
    expect(headingOf(again)).to.equal('No pass given');
    expect(again.texts[1]).to.match(/^A pass was already given on this check/);
    expect(taps.requests()).to.have.length(1);
    expect(taps.issued).to.have.length(1);
    expect(
      connector.received.filter((r) => JSON.stringify(r.activity).includes(issued!.pass)),
    ).to.have.length(1);
  });

  it('"tap <upn>" in person: confirm, and the pass comes from Graph to the desk\'s chat', async () => {
    bot = await startBot(tenant.env());
    const check = await say(desk, `tap ${PUPIL_UPN}`);
    expect(headingOf(check)).to.equal('Check who they are first');
    expect(taps.requests()).to.have.length(0);
    const given = await submit(desk, button(check, 'I checked them in person').data);
    expect(headingOf(given)).to.equal('Temporary Access Pass for Pupil One');
    expect(taps.issued.map((p) => p.userId)).to.deep.equal([PUPIL_ID]);
    expect(JSON.stringify(given.card)).to.contain(taps.issued[0]!.pass);
    expect(connector.activitiesIn(chatOf(pupil))).to.have.length(0);
  });

  it('Graph refuses (403, the app lacks UserAuthenticationMethod.ReadWrite.All): the desk is told what the admin must grant', async () => {
    tenant.graph.tenant.tokens.roles = GRAPH_APP_ROLES.filter(
      (role) => role !== 'UserAuthenticationMethod.ReadWrite.All',
    );
    bot = await startBot(tenant.env());
    const offer = await verified();
    const refused = await submit(desk, button(offer, GIVE).data);
    expect(headingOf(refused)).to.equal('No pass given');
    expect(refused.texts.slice(1)).to.deep.equal([
      "Microsoft refused: the bot isn't allowed to create passes.",
      'An IT admin must grant the app the Graph application permission **ReadWrite.All** under **UserAuthenticationMethod** (with admin consent). Then check the person again.',
    ]);
    expect(taps.requests().map((r) => r.status)).to.deep.equal([403]);
    expect(taps.issued).to.have.length(0);
    // The log line travels through the process's stdout, which may arrive after the HTTP answer.
    await until(() => bot!.logs().some((l) => l.includes('refused by Microsoft')), {
      what: 'the refusal logged',
    });
    const reasons = bot
      .logs()
      .filter((l) => l.includes('refused by Microsoft'))
      .map((l) => (JSON.parse(l) as { outcome?: string }).outcome);
    expect(reasons).to.deep.equal(['noPermission']);
  });
});
