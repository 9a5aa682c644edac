/**
 * `npm run privacy` — what the bot holds about one person (a subject-access request), and erasing it.
 *
 *   npm run privacy -- --export <upn or object id>   prints everything held about them, as JSON
 *   npm run privacy -- --erase <upn or object id>    deletes it from every store; prints the counts, as JSON
 *
 * A UPN is looked up in the directory (Microsoft Graph, or the demo school without Graph settings); someone
 * who has left the tenant is named by their Entra object id. Configuration is the bot's.
 */
import { ConfigError } from '../config/env';
import { PersonalDataService } from '../privacy/personalData';
import { clockFrom, openCliContext, runCli } from './cliContext';

const USAGE = `Usage:
  npm run privacy -- --export <upn or object id>   print everything held about one person (JSON)
  npm run privacy -- --erase <upn or object id>    delete it from every store and print what was removed
Someone who has left the tenant is named by their Entra object id.`;

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Args = { help: true } | { help: false; action: 'export' | 'erase'; who: string };

/** Exactly one of --export or --erase, with a UPN or an object id; a usage error otherwise (exit 2). */
export function parseArgs(argv: string[]): Args {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) return { help: true };
  const [flag, who, ...rest] = argv;
  const usage = (problem: string) => new ConfigError([`${problem}\n${USAGE}`]);
  if (flag !== '--export' && flag !== '--erase') {
    throw usage(flag === undefined ? 'say what to do' : `unknown argument ${flag}`);
  }
  if (who === undefined || who.startsWith('--')) throw usage(`${flag} needs a UPN or an object id`);
  if (rest.length > 0) throw usage(`one person at a time (unexpected ${rest[0]})`);
  if (!OBJECT_ID.test(who) && !/^[^@\s]+@[^@\s]+$/.test(who)) {
    throw usage(`"${who}" is neither a UPN (name@school) nor an Entra object id`);
  }
  return { help: false, action: flag === '--export' ? 'export' : 'erase', who };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const context = await openCliContext(clockFrom(undefined));
  try {
    let userId = args.who.toLowerCase();
    if (!OBJECT_ID.test(args.who)) {
      const user = await context.directory.findUserByUpn(args.who, { priority: 'interactive' });
      if (!user) {
        // Not a usage error: the person may have left; their object id still reaches their data.
        console.error(`${args.who} is not in the directory. If they have left, use their Entra object id.`);
        process.exitCode = 1;
        return;
      }
      userId = user.id;
    }
    const personal = new PersonalDataService(context.stores);
    const now = context.clock.now();
    const answer =
      args.action === 'export'
        ? await personal.exportUser(userId, now)
        : { userId, erasedAt: now.toISOString(), erased: await personal.eraseUser(userId) };
    if (args.action === 'erase') context.log.info({ userId }, 'personal data erased on request');
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  } finally {
    context.close();
  }
}

runCli('npm run privacy', main);
