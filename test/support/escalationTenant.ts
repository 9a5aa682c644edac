/**
 * The school the escalation end-to-end tests run against: a Graph stand-in with a pupil and a desk member
 * (in the service-desk group), the sendMail route of the desk mailbox, and a policy file naming the desk
 * group and an IT channel. `env` is what a bot process needs to use all of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { tempDataDir, type BotProcess } from './botProcess';
import type { CardView } from './cards';
import { SAMPLE_POLICY_PATH } from './conversationHarness';
import { GraphStandIn } from './graph/graphStandIn';
import { MailStandIn } from './graph/mailRoutes';
import { graphMethod } from './graph/methodShapes';

export const SUPPORT_CODE_KEY = 'b2'.repeat(32);
export const DESK_MAILBOX = 'itservicedesk@kenstimpson.org.uk';
export const DESK_GROUP = '6e00000a-0000-4000-8000-000000000001';
export const IT_CHANNEL = '19:it-support-channel@thread.tacv2';
export const PUPIL_ID = '6d000000-0000-4000-8000-000000000011';
export const DESK_ID = '6d000000-0000-4000-8000-000000000012';

export interface EscalationTenant {
  graph: GraphStandIn;
  mail: MailStandIn;
  /** A fresh DATA_DIR (also holding the policy file). */
  dataDir: string;
  /** Environment for a bot process on this school, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startEscalationTenant(): Promise<EscalationTenant> {
  const graph = await GraphStandIn.start();
  graph.addUser({
    id: PUPIL_ID,
    displayName: 'Pupil One',
    givenName: 'Pupil',
    userPrincipalName: 'pupil.one@kscs.org.uk',
    department: 'Year 9',
    methods: [graphMethod.password()],
  });
  graph.addUser({
    id: DESK_ID,
    displayName: 'Desk Person',
    userPrincipalName: 'desk.person@kscs.org.uk',
    department: 'IT Support',
    methods: [graphMethod.password(), graphMethod.authenticator()],
  });
  graph.groups.set(DESK_GROUP, [DESK_ID]);
  const mail = new MailStandIn(graph, { allowedSenders: [DESK_MAILBOX] });
  const dataDir = tempDataDir();
  const policy = YAML.parse(fs.readFileSync(SAMPLE_POLICY_PATH, 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  policy.groups = { serviceDesk: DESK_GROUP };
  policy.escalation = { ...policy.escalation, channel: { teamId: 'it-team', channelId: IT_CHANNEL } };
  const policyFile = path.join(dataDir, 'school.yaml');
  fs.writeFileSync(policyFile, YAML.stringify(policy));
  return {
    graph,
    mail,
    dataDir,
    env: (extra = {}) => ({
      ...graph.env,
      SUPPORT_CODE_KEY,
      DATA_DIR: dataDir,
      SCHOOL_CONFIG: policyFile,
      SERVICE_DESK_MAILBOX: DESK_MAILBOX,
      GRAPH_REQUEST_TIMEOUT_MS: '3000',
      STATUS_REPORT_REFRESH_MINUTES: '0',
      ...extra,
    }),
    async close() {
      await graph.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The reference a confirmation card shows. */
export function referenceOn(card: CardView): string {
  const fact = card.texts.find((t) => t.startsWith('Your reference: '));
  expect(fact, card.texts.join(' | ')).to.be.a('string');
  return fact!.slice('Your reference: '.length);
}

/**
 * True once the bot's escalation outbox has finished a pass with nothing in hand and nothing due, after its
 * last mail: from then on no further mail can go out unless a new request arrives, so counts are final.
 */
export function outboxSettled(bot: BotProcess): boolean {
  const lines = bot.logs();
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.includes('"msg":"outbox pass done"')) return line.includes('"nextDueAt":null');
    if (line.includes('"msg":"escalation mail')) return false;
  }
  return false;
}
