/**
 * Two bot processes on one Azurite share escalations and support codes, as two App Service instances share
 * one storage account: the same form sent to both at once is one escalation and one mail (at the Graph
 * sendMail stand-in) and one IT channel copy; the daily limit holds across both; a support code accepted on
 * one instance cannot be used again on the other, even at the same moment.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { submitActivity, testUser, textActivity, type ActivityOptions } from '../support/activities';
import { startAzurite, type Azurite } from '../support/azurite';
import { startBot, stopCleanly, tempDataDir, type BotProcess } from '../support/botProcess';
import { headingOf, type CardView } from '../support/cards';
import { ConnectorStandIn } from '../support/connectorStandIn';
import {
  DESK_ID,
  IT_CHANNEL,
  PUPIL_ID,
  referenceOn,
  startEscalationTenant,
  outboxSettled,
  type EscalationTenant,
} from '../support/escalationTenant';
import { TEST_APP } from '../support/graphTenant';
import { expectNoPersonalData } from '../support/personalData';
import { until } from '../support/until';
import { SUPPORT_CODE_PERIOD_SECONDS } from '../../src/domain/supportCodes/totp';
import { processTurn } from '../support/walk';

describe('Escalations and support codes shared by two instances on Azure Storage (Azurite)', function () {
  this.timeout(60_000);
  let azurite: Azurite;
  let connector: ConnectorStandIn;
  let tenant: EscalationTenant;
  let a: BotProcess;
  let b: BotProcess;
  const dataDirs: string[] = [];
  const pupil = testUser('Pupil One', PUPIL_ID);
  const desk = testUser('Desk Person', DESK_ID);
  const inTenant = (): ActivityOptions => ({ tenantId: TEST_APP.tenantId, serviceUrl: connector.serviceUrl });

  before(async () => {
    azurite = await startAzurite();
  });
  after(() => azurite.stop());

  beforeEach(async () => {
    connector = await ConnectorStandIn.start();
    tenant = await startEscalationTenant();
    const prefix = `e2e${crypto.randomBytes(4).toString('hex')}`;
    const instance = () => {
      // Each instance has its own, empty DATA_DIR: whatever they share must be in the storage account.
      const dataDir = tempDataDir();
      dataDirs.push(dataDir);
      return startBot(
        tenant.env({
          STORAGE: 'azure',
          ALLOW_UNAUTHENTICATED: '1',
          AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
          AZURE_STORAGE_PREFIX: prefix,
          DATA_DIR: dataDir,
        }),
      );
    };
    [a, b] = await Promise.all([instance(), instance()]);
  });

  afterEach(async () => {
    const logs = (await Promise.all([stopCleanly(a), stopCleanly(b)])).join('\n');
    expect(logs).to.not.contain('run ONE instance');
    expectNoPersonalData(logs, { names: ['Pupil One', 'Desk Person'], upns: ['kscs.org.uk'] });
    await connector.close();
    await tenant.close();
    for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Posts `activity` to `bot`; returns the cards it answered with in that turn (its replies: both share the chat). */
  const turn = (bot: BotProcess, activity: Partial<Activity>): Promise<CardView[]> =>
    processTurn({ bot: () => bot, connector, answers: 'replies' })(activity);

  /** The same Send press delivered to both instances at the same moment (two deliveries, one form). */
  async function sendToBoth(formId: string): Promise<CardView[]> {
    const value = { verb: 'help.send', formId, from: 'welcome', category: 'other', way: 'walkIn' };
    const answers = await Promise.all([
      turn(a, submitActivity(pupil, value, inTenant())),
      turn(b, submitActivity(pupil, value, inTenant())),
    ]);
    return answers.map(([card]) => card!);
  }

  const channelPosts = () => connector.received.filter((r) => r.conversationId === IT_CHANNEL);

  it('the same form on both at once: one escalation, one mail, one channel copy; the daily limit holds across both', async () => {
    const pairs = await Promise.all(['e2e-form-1', 'e2e-form-2', 'e2e-form-3'].map(sendToBoth));
    const references = pairs.map(([first, second]) => {
      // One of the two stored it; the other found it already there and names the same reference.
      const headings = [headingOf(first!), headingOf(second!)];
      const warnings = [...a.logs(), ...b.logs()].filter((l) => /"level":(40|50)/.test(l));
      expect(
        headings.filter((h) => h === 'Already sent ✅'),
        `${headings.join(' / ')}\n${warnings.join('\n')}`,
      ).to.have.length(1);
      expect(referenceOn(first!)).to.equal(referenceOn(second!));
      return referenceOn(first!);
    });
    expect(new Set(references).size).to.equal(3);

    await until(() => tenant.mail.accepted.length >= 3 && channelPosts().length >= 3, {
      what: 'mails and channel copies',
    });
    // Both instances' outboxes keep looking: counted once each has finished a pass with nothing left to send.
    await until(() => outboxSettled(a) && outboxSettled(b), {
      what: 'both outboxes with nothing left to send',
    });
    expect(tenant.mail.requests()).to.have.length(3);
    expect(
      tenant.mail.accepted.map((m) => /^\[(MFA-\w{4})\]/.exec(m.message.subject)?.[1]).sort(),
    ).to.deep.equal([...references].sort());
    expect(channelPosts()).to.have.length(3);

    // Three today already: two new forms, one on each instance, at once: both refused, nothing mailed.
    const [onA, onB] = await Promise.all([
      turn(
        a,
        submitActivity(
          pupil,
          { verb: 'help.send', formId: 'e2e-form-4', category: 'other', way: 'walkIn' },
          inTenant(),
        ),
      ),
      turn(
        b,
        submitActivity(
          pupil,
          { verb: 'help.send', formId: 'e2e-form-5', category: 'other', way: 'walkIn' },
          inTenant(),
        ),
      ),
    ]);
    for (const [card] of [onA, onB]) expect(headingOf(card!)).to.equal("You've already asked IT today");
    // A refusal stores nothing, so nothing can fall due: the outboxes stay settled.
    expect(outboxSettled(a) && outboxSettled(b)).to.equal(true);
    expect(tenant.mail.requests()).to.have.length(3);
  });

  it('a support code accepted on one instance is refused on the other, even when both check it at once', async () => {
    const [sent] = await turn(
      a,
      submitActivity(
        pupil,
        { verb: 'help.send', formId: 'e2e-code-1', category: 'other', way: 'walkIn' },
        inTenant(),
      ),
    );
    const reference = referenceOn(sent!);
    // The first code is asked on both instances at once: one secret is made, so both show the same code. A code
    // changes every 30 s, so both are asked early in a step: answers either side of a change would differ anyway.
    const stepOf = (ms: number) => Math.floor(ms / (SUPPORT_CODE_PERIOD_SECONDS * 1000));
    await until(() => Date.now() % (SUPPORT_CODE_PERIOD_SECONDS * 1000) < 20_000, {
      what: 'a support code step with 10 s or more to run',
      timeoutMs: SUPPORT_CODE_PERIOD_SECONDS * 1000,
    });
    const asked = Date.now();
    const shown = await Promise.all([
      turn(a, textActivity(pupil, 'my support code', inTenant())),
      turn(b, textActivity(pupil, 'my support code', inTenant())),
    ]);
    expect(stepOf(Date.now()), 'both codes shown within the step they were asked in').to.equal(stepOf(asked));
    const codes = shown.map(([card]) => /Your support code: (\d{3} \d{3})/.exec(headingOf(card!))?.[1]);
    expect(codes[0]).to.match(/^\d{3} \d{3}$/);
    expect(codes[1]).to.equal(codes[0]);

    const verify = (bot: BotProcess, target: string) =>
      turn(bot, textActivity(desk, `verify ${target} ${codes[0]}`, inTenant()));
    const checks = await Promise.all([verify(a, reference), verify(b, reference)]);
    const headings = checks.map(([card]) => headingOf(card!));
    expect(headings.sort()).to.deep.equal(['✅ Code valid', '❌ Not valid']);
    const refused = checks.find(([card]) => headingOf(card!) === '❌ Not valid')![0]!;
    expect(refused.texts[1]).to.contain('already used');
    // And again later, on either instance, by reference or by address.
    for (const bot of [a, b]) {
      expect(headingOf((await verify(bot, 'pupil.one@kscs.org.uk'))[0]!)).to.equal('❌ Not valid');
    }
  });
});
