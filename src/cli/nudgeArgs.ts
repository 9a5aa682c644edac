/**
 * The arguments of `npm run nudge`, and its usage text. Parsed with Node's `util.parseArgs` (strict): a flag
 * this command does not know, a value missing, or a value where none is taken is refused with a one-line
 * error naming the flag, before any configuration is read.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config/env';

export interface NudgeArgs {
  help: boolean;
  dryRun: boolean;
  report: boolean;
  resend: boolean;
  replan: boolean;
  now?: string;
  csv?: string;
  quietSeconds?: number;
  /** How often the progress is shown (absent: the display's own pace). */
  progressSeconds?: number;
}

/** What `--help` prints: what each flag does, with an example, for the IT admin who runs the campaign. */
export const NUDGE_USAGE = `npm run nudge — the registration reminder campaign, from the command line

Runs what the bot runs on its timer: plans today's reminders (who is owed one, and which) and sends them
in Teams. It reads the bot's own settings (environment variables, SCHOOL_CONFIG, DATA_DIR).
What you read goes to the screen (stdout); the technical logs go to stderr.

Usage: npm run nudge [-- <flags>]      (flags go after "--", so that npm passes them on)

  (no flag)                one pass: plans today's reminders if the sending window is open and today's
                           planning has not run yet, then sends them; shows its progress while it sends
                             npm run nudge
  --replan                 plan again even if today's planning has run (after changing a group, say)
                             npm run nudge -- --replan
  --dry-run                show who would get which reminder, when, and why not the others; sends
                           nothing and changes nothing
                             npm run nudge -- --dry-run
  --report                 the delivery report: how many were sent, blocked, failed…, by group
                             npm run nudge -- --report
  --csv <file>             with --dry-run or --report: write the list to a CSV file for Excel
                             npm run nudge -- --report --csv report.csv
  --resend-failures        send the reminders that failed again (each is checked again first)
                             npm run nudge -- --resend-failures
  --now <ISO time>         run as if it were that time (the clock then runs on); to try a day out
                             npm run nudge -- --dry-run --now 2027-01-04T09:00:00Z
  --quiet-seconds <n>      how long the queue must stay empty before a pass ends (default: the
                           visibility timeout + 5 s, so that sends cut off by a crash are finished)
                             npm run nudge -- --quiet-seconds 10
  --progress-seconds <n>   how often the progress is shown (default: a line every 5 s when the output
                           goes to a file or a pipe, the bar every 1 s on a screen)
                             npm run nudge -- --progress-seconds 60 2> pass.log
  -h, --help               this text
                             npm run nudge -- --help

More: docs/nudges.md ("The command line").
`;

/** Appended to every usage error. */
export const HELP_HINT = 'npm run nudge -- --help for the usage';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'dry-run': { type: 'boolean' },
  report: { type: 'boolean' },
  'resend-failures': { type: 'boolean' },
  replan: { type: 'boolean' },
  now: { type: 'string' },
  csv: { type: 'string' },
  'quiet-seconds': { type: 'string' },
  'progress-seconds': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const NO_FLAGS: NudgeArgs = { help: false, dryRun: false, report: false, resend: false, replan: false };

const usageError = (problem: string) => new ConfigError([`${problem} (${HELP_HINT})`]);

/**
 * Says what is wrong with `argv` in the command's own words. `util.parseArgs` reports the first problem in a
 * sentence of its own; a lenient parse of the same arguments finds the flag it is about.
 */
function refusal(argv: string[]): ConfigError {
  const { tokens } = parseArgs({ args: argv, options: OPTIONS, strict: false, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'positional') return usageError(`unknown argument ${t.value}`);
    if (t.kind !== 'option') continue;
    const option = (OPTIONS as Record<string, { type: 'string' | 'boolean' }>)[t.name];
    if (!option) return usageError(`unknown argument ${t.rawName}`);
    if (option.type === 'boolean' && t.value !== undefined) return usageError(`${t.rawName} takes no value`);
    if (option.type === 'string' && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-'))))
      // A flag given last, or followed by another flag, has no value: refused rather than run without it.
      return usageError(
        t.value === undefined
          ? `${t.rawName} needs a value`
          : `${t.rawName} needs a value; "${t.value}" is read as a flag, so write ${t.rawName}=${t.value} to give it`,
      );
  }
  return usageError('the arguments could not be read');
}

/** The flags in `argv`, or a ConfigError (exit 2) naming what is wrong. `--help` wins over anything else. */
export function parseNudgeArgs(argv: string[]): NudgeArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch {
    if (argv.includes('--help') || argv.includes('-h')) return { ...NO_FLAGS, help: true };
    throw refusal(argv);
  }
  const args: NudgeArgs = {
    help: values.help ?? false,
    dryRun: values['dry-run'] ?? false,
    report: values.report ?? false,
    resend: values['resend-failures'] ?? false,
    replan: values.replan ?? false,
    now: values.now,
    csv: values.csv,
  };
  const quiet = values['quiet-seconds'];
  if (quiet !== undefined) {
    args.quietSeconds = Number(quiet);
    // NaN would never compare as quiet: the drain would run for ever.
    if (quiet.trim() === '' || !Number.isFinite(args.quietSeconds) || args.quietSeconds < 0)
      throw new ConfigError([`--quiet-seconds must be a number of seconds (got "${quiet}")`]);
  }
  const every = values['progress-seconds'];
  if (every !== undefined) {
    args.progressSeconds = Number(every);
    // Zero would look at the queue without pause, for the whole pass.
    if (every.trim() === '' || !Number.isFinite(args.progressSeconds) || args.progressSeconds <= 0)
      throw new ConfigError([`--progress-seconds must be a number of seconds above 0 (got "${every}")`]);
  }
  if (args.now !== undefined && Number.isNaN(Date.parse(args.now)))
    throw new ConfigError([`--now must be an ISO time such as 2027-01-04T09:00:00Z (got "${args.now}")`]);
  return args;
}
