/**
 * The Agents Toolkit's `script` step before `arm/deploy` (m365agents.yml): settles every value the Azure
 * template needs, so that a first provision on an empty environment never reaches the deployment with an empty
 * secret, and says what is missing instead.
 *
 * - GRAPH_CLIENT_ID: the Graph app; by default the bot's own Entra app (BOT_ID), whose Graph application
 *   permissions aad.manifest.json declares, so the admin only grants consent. Its secret is then the bot's
 *   password (SECRET_GRAPH_CLIENT_SECRET follows SECRET_BOT_PASSWORD at every provision, rotation included).
 *   A separate Graph app needs its secret in env/.env.<env>.user.
 * - SECRET_SUPPORT_CODE_KEY: generated once (32 random bytes) when absent; the toolkit keeps it, encrypted, in
 *   env/.env.<env>.user. Never change it afterwards: it seals the support-code secrets already stored.
 * - RESOURCE_SUFFIX: generated once, so the App Service, storage and vault names are unique in Azure.
 * - SENDER_MAILBOX: by default SERVICE_DESK_MAILBOX, which the admin must set (as SCHOOL_NAME, which the Teams
 *   app package needs after the deployment).
 *
 * `--local` (m365agents.local.yml: the bot on this machine through a dev tunnel, on the demo directory) settles
 * only GRAPH_CLIENT_ID, which the Teams manifest names in webApplicationInfo.
 *
 * Values go back to the toolkit as `::set-teamsfx-env NAME=value` lines on stdout (it masks secrets in its
 * log); problems go to stderr and the exit code is 1, which stops the provision before `arm/deploy`.
 */
import crypto from 'node:crypto';

export interface ProvisionSettings {
  /** What to write back to the environment files. */
  outputs: Record<string, string>;
  /** What the admin must fix; empty when the deployment may go ahead. */
  problems: string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAILBOX = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const KEY = /^[0-9a-f]{64}$/i;

export function provisionSettings(
  env: NodeJS.ProcessEnv,
  options: { local?: boolean; random?: (bytes: number) => Buffer } = {},
): ProvisionSettings {
  const random = options.random ?? crypto.randomBytes;
  const envName = env.TEAMSFX_ENV || 'dev';
  const envFile = `env/.env.${envName}`;
  const userFile = `${envFile}.user`;
  const outputs: Record<string, string> = {};
  const problems: string[] = [];
  const value = (name: string) => (env[name] ?? '').trim();

  for (const [name, step] of [
    ['TEAMS_APP_ID', 'teamsApp/create'],
    ['TEAMS_IT_APP_ID', 'teamsApp/create'],
    ['BOT_ID', 'aadApp/create'],
    ['SECRET_BOT_PASSWORD', 'aadApp/create'],
  ] as const) {
    if (!value(name))
      problems.push(`${name} is empty: the ${step} step before this one should have written it`);
  }
  if (options.local) {
    if (value('BOT_ID')) outputs.GRAPH_CLIENT_ID = value('GRAPH_CLIENT_ID') || value('BOT_ID');
    return { outputs, problems };
  }

  if (!value('RESOURCE_SUFFIX')) outputs.RESOURCE_SUFFIX = random(3).toString('hex');
  else if (!/^[a-z0-9]{1,8}$/.test(value('RESOURCE_SUFFIX'))) {
    problems.push(
      `RESOURCE_SUFFIX in ${envFile} must be 1 to 8 lowercase letters or digits (Azure resource names)`,
    );
  }

  const botId = value('BOT_ID');
  const graphClientId = value('GRAPH_CLIENT_ID') || botId;
  if (graphClientId) outputs.GRAPH_CLIENT_ID = graphClientId;
  if (graphClientId && !GUID.test(graphClientId)) {
    problems.push(`GRAPH_CLIENT_ID in ${envFile} is not an application (client) id`);
  } else if (graphClientId === botId) {
    if (value('SECRET_BOT_PASSWORD')) outputs.SECRET_GRAPH_CLIENT_SECRET = value('SECRET_BOT_PASSWORD');
  } else if (!value('SECRET_GRAPH_CLIENT_SECRET')) {
    problems.push(
      `GRAPH_CLIENT_ID names a separate Graph app: put its client secret in ${userFile} as ` +
        'SECRET_GRAPH_CLIENT_SECRET (or empty GRAPH_CLIENT_ID to use the bot app, the default)',
    );
  }

  const supportCodeKey = value('SECRET_SUPPORT_CODE_KEY');
  if (!supportCodeKey) outputs.SECRET_SUPPORT_CODE_KEY = random(32).toString('hex');
  else if (!KEY.test(supportCodeKey)) {
    problems.push(`SECRET_SUPPORT_CODE_KEY in ${userFile} must be 64 hex characters (32 bytes)`);
  }

  if (!value('SCHOOL_NAME')) {
    problems.push(
      `SCHOOL_NAME in ${envFile} is empty: the Teams app names the school's IT Support as its developer`,
    );
  }

  const desk = value('SERVICE_DESK_MAILBOX');
  if (!MAILBOX.test(desk)) {
    problems.push(
      `SERVICE_DESK_MAILBOX in ${envFile} must be the service desk's mailbox, where escalations go ` +
        `(${desk ? `"${desk}" is not an address` : 'it is empty'})`,
    );
  }
  const sender = value('SENDER_MAILBOX') || desk;
  if (sender && !MAILBOX.test(sender)) problems.push(`SENDER_MAILBOX in ${envFile} is not an address`);
  else if (sender) outputs.SENDER_MAILBOX = sender;

  return { outputs, problems };
}

if (require.main === module) {
  const { outputs, problems } = provisionSettings(process.env, { local: process.argv.includes('--local') });
  if (problems.length > 0) {
    console.error(`Not ready to create the Azure resources:\n  - ${problems.join('\n  - ')}`);
    process.exit(1);
  }
  for (const [name, value] of Object.entries(outputs))
    process.stdout.write(`::set-teamsfx-env ${name}=${value}\n`);
}
