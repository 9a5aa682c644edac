/**
 * `npm run doctor` — is this configuration ready for the school's tenant? IT's setup check, read-only.
 *
 *   npm run doctor                                   the configuration, the tenant (Graph), the policy's dates
 *   npm run doctor -- --endpoint https://<bot host>  also the deployed bot (BOT_DOMAIN does the same)
 *   npm run doctor -- --now <ISO time>               judge the policy's dates as if it were that time
 *
 * Configuration is the bot's (environment variables, SCHOOL_CONFIG). One line per check: ✔ as needed, ⚠ works
 * but worth knowing, ✘ something a configured feature needs is missing, with the fix below it. Exit code 0
 * when nothing failed, 1 when something did, 2 when the configuration or the arguments cannot be used.
 */
import { ConfigError, SAMPLE_SCHOOL_CONFIG } from '../config/env';
import { localDateOf } from '../domain/policy/localDate';
import { doctorExitCode, formatCheckLine, type CheckLine } from '../domain/setup/checkLine';
import { configurationChecks, configurationFailures } from '../domain/setup/configurationChecks';
import { endpointNotChecked, endpointTarget, type EndpointTarget } from '../domain/setup/endpointChecks';
import { policyDateChecks } from '../domain/setup/policyChecks';
import { checkEndpoint } from '../setup/endpointProbe';
import { checkTenant } from '../setup/tenantDoctor';
import { cliLogger, clockFrom, readConfiguration, runCli } from './cliContext';

const USAGE = `Usage:
  npm run doctor [-- --endpoint https://<bot host>] [--now <ISO time>]
Checks the bot's configuration (its environment variables and SCHOOL_CONFIG) against the school's tenant,
read-only: the Graph token and its permissions, the registration report (Entra ID P1/P2), the policy's
groups, the Teams app in the org catalog, the sender mailbox, the policy's dates, and the bot's endpoint
(--endpoint, else BOT_DOMAIN). Exit code 0: all set; 1: something is missing (each ✘ says what to do);
2: the configuration or the arguments cannot be used.`;

type Args = { help: true } | { help: false; endpoint?: string; now?: string };

/** --help alone, or any of --endpoint <url> and --now <ISO time>; a usage error (exit 2) otherwise. */
export function parseArgs(argv: string[]): Args {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) return { help: true };
  const args: { help: false; endpoint?: string; now?: string } = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag !== '--endpoint' && flag !== '--now')
      throw new ConfigError([`unknown argument ${flag}\n${USAGE}`]);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--'))
      throw new ConfigError([`${flag} needs a value\n${USAGE}`]);
    if (flag === '--endpoint') args.endpoint = value;
    else args.now = value;
  }
  if (args.now !== undefined && Number.isNaN(Date.parse(args.now)))
    throw new ConfigError([`--now must be an ISO time such as 2027-01-04T09:00:00Z (got "${args.now}")`]);
  return args;
}

const print = (line: CheckLine) => process.stdout.write(`${formatCheckLine(line)}\n`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const target: EndpointTarget = endpointTarget(args.endpoint, process.env.BOT_DOMAIN);
  if (target.kind === 'invalid') throw new ConfigError([target.problem]);

  let read: ReturnType<typeof readConfiguration>;
  try {
    read = readConfiguration();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    configurationFailures(error.problems).forEach(print);
    process.exitCode = 2;
    return;
  }
  const { config, policy } = read;
  // Logs are for the Graph client's own troubles; what the admin reads is on stdout.
  const log = cliLogger(process.env.LOG_LEVEL ? config.logLevel : 'error');
  const now = clockFrom(args.now).now();

  process.stdout.write(`Setup check: ${policy.school.name}, tenant ${config.tenantId}\n`);
  // Everything slow starts at once; the lines come out in a fixed order.
  const tenant = config.graph ? checkTenant(config, policy, log) : Promise.resolve([]);
  const endpoint =
    target.kind === 'url'
      ? checkEndpoint(target.base, target.setting, config.graphRequestTimeoutMs)
      : Promise.resolve([endpointNotChecked()]);

  const lines: CheckLine[] = [];
  const show = (more: CheckLine[]) => {
    more.forEach(print);
    lines.push(...more);
  };
  show(
    configurationChecks({
      policyPath: config.schoolConfigPath,
      samplePolicy: config.schoolConfigPath === SAMPLE_SCHOOL_CONFIG,
      graphConfigured: !!config.graph,
    }),
  );
  show(await tenant);
  show(policyDateChecks(policy, localDateOf(now, policy.school.timeZone), config.schoolConfigPath));
  show(await endpoint);
  const failed = lines.filter((l) => l.status === 'fail').length;
  process.stdout.write(
    failed === 0
      ? 'All set: nothing the configured features need is missing.\n'
      : `${failed} problem${failed === 1 ? '' : 's'} to fix (✘ above).\n`,
  );
  process.exitCode = doctorExitCode(lines);
}

runCli('npm run doctor', main);
