/**
 * `npm run nudge` — the campaign from the command line (IT's tool; the bot runs the same code on a timer).
 *
 *   npm run nudge -- --dry-run [--csv plan.csv]   who would get what, when, and why not the others
 *   npm run nudge [--replan]                      one pass: plan (if the window is open and today's
 *                                                 pass has not run, or --replan) and send
 *   npm run nudge -- --report [--csv report.csv]  the delivery report: counts by outcome and by group
 *   npm run nudge -- --resend-failures            queue the failed nudges again, and send
 *   any of them with --now <ISO time>             run as if it were that time (the clock then runs on)
 *   npm run nudge -- --help                       every flag, with an example (src/cli/nudgeArgs.ts)
 *
 * Configuration is the bot's (environment variables, SCHOOL_CONFIG, DATA_DIR). Logs (JSON) go to stderr;
 * what IT reads goes to stdout. A pass that sends shows its progress on stderr (src/cli/progressDisplay.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import { stringify } from 'csv-stringify/sync';
import { ConfigError } from '../config/env';
import {
  campaignMoment,
  momentsByGroup,
  type Campaign,
  type CampaignMoment,
} from '../domain/campaign/campaignTime';
import { formatLongDate } from '../domain/policy/localDate';
import { wallClockAt } from '../domain/campaign/zonedTime';
import { createContainer } from '../container';
import type { NudgeParts } from '../nudges/createNudges';
import type { PlanAttempt, PlanLine } from '../nudges/campaignPlanner';
import { createLogger } from '../logging/logger';
import { cliLogger, clockFrom, readConfiguration, runCli } from './cliContext';
import { NUDGE_USAGE, parseNudgeArgs, type NudgeArgs as Args } from './nudgeArgs';
import { finishedOf } from './nudgeProgress';
import { plainProgress, terminalProgress, type ProgressDisplay } from './progressDisplay';

/**
 * The pass's progress, on stderr: a bar on a terminal; a plain line every 5 s otherwise (a pipe, CI, a log
 * file), where a bar's redraws would be noise. stdout stays the answer IT keeps.
 */
const progress: ProgressDisplay = process.stderr.isTTY
  ? terminalProgress(process.stderr)
  : plainProgress(process.stderr);

const out = (line = '') => progress.write(process.stdout, `${line}\n`);

function local(campaign: Campaign, iso: string | Date): string {
  const { date, time } = wallClockAt(new Date(iso), campaign.timeZone);
  return `${formatLongDate(date)} ${time}`;
}

function printSchedule(campaign: Campaign, now: Date): void {
  out(
    `Campaign ${campaign.id} (enforcement ${formatLongDate(campaign.enforcementDate)}, ${campaign.timeZone})`,
  );
  out(
    `Window: ${campaign.policy.window.days.join(', ')} ${campaign.policy.window.from}–${campaign.policy.window.to}, school days only`,
  );
  for (const g of campaign.policy.targets.groups) {
    if (!g.windows) continue;
    const windows = g.windows.map(
      (w) => `${w.days.join(', ')} ${w.from}–${w.to}${w.schoolDaysOnly ? ' in term' : ''}`,
    );
    out(`Window for ${g.name}: ${windows.join('; ')}`);
  }
  for (const s of campaign.plan) {
    const where = !s.sendOn
      ? 'dropped'
      : s.mergedInto
        ? `merged into ${s.mergedInto} on ${formatLongDate(s.sendOn)}`
        : `${formatLongDate(s.sendOn)}`;
    const moved = s.moved ? ` (nominal ${formatLongDate(s.nominal)}: ${s.moved.name ?? s.moved.why})` : '';
    out(`  ${s.key.padEnd(4)} ${s.tone.padEnd(8)} ${where}${moved}`);
  }
  for (const { group, moment } of momentsByGroup(campaign, now))
    if (group.windows) out(`Now for ${group.name}: ${stateText(campaign, moment)}`);
  out(`Now (${local(campaign, now)}): ${stateText(campaign, campaignMoment(campaign, now))}`);
}

function stateText(campaign: Campaign, m: CampaignMoment): string {
  return m.kind === 'open'
    ? `sending stage ${m.stage.key} until ${local(campaign, m.closesAt)}`
    : m.kind === 'paused'
      ? `stage ${m.stage.key} is current; window shut${m.opensAt ? `, opens ${local(campaign, m.opensAt)}` : ''}`
      : m.kind === 'notStarted'
        ? `not started: first reminder ${local(campaign, m.opensAt)}`
        : 'over';
}

async function dryRun(parts: NudgeParts, args: Args): Promise<void> {
  const { campaign, clock } = parts.deps;
  printSchedule(campaign, clock.now());
  const lines: PlanLine[] = [];
  const summary = await parts.planner.pass({ dryRun: { line: (l) => lines.push(l) } });
  out('');
  out(
    `Members: ${summary.members}; nudge now or later: ${lines.filter((l) => l.action === 'nudge' || l.action === 'later').length}; registered: ${summary.registered}; excluded: ${summary.excluded}; disabled: ${summary.disabled}; nothing owed: ${summary.nothingOwed}`,
  );
  const install = lines.filter(
    (l) => (l.action === 'nudge' || l.action === 'later') && l.reach !== 'conversation',
  );
  out(`Without a conversation (the app is installed for them first): ${install.length}`);
  out(
    `Second method is their school email (found by an earlier look): ${summary.schoolEmail}; complete by the report only if their email is personal (a real pass looks first): ${summary.emailUnchecked}`,
  );
  out(`Earlier nudges to show "you're all set" (registered since): ${summary.cardsToUpdate}`);
  const rows = lines.map((l) => ({
    user: l.userPrincipalName,
    id: l.userId,
    group: l.group,
    action: l.action,
    nudge: l.nudge ?? '',
    when: l.when ? local(campaign, l.when) : '',
    reach: l.reach ?? '',
    why: l.why ?? '',
    problem: l.problem ?? '',
  }));
  if (args.csv) {
    fs.writeFileSync(args.csv, stringify(rows, { header: true }));
    out(`Plan written to ${args.csv}`);
  } else {
    out('');
    for (const r of rows)
      out(
        [r.user, r.group, r.action, r.nudge, r.when, r.reach, r.why, r.problem].filter(Boolean).join(' | '),
      );
  }
}

async function report(parts: NudgeParts, args: Args): Promise<void> {
  const r = await parts.service.report();
  out(`Delivery report: ${r.campaignId}`);
  // One line per set of groups planned together (staff in the morning, pupils after school), newest first.
  for (const pass of r.lastPasses) {
    const groups = pass.groups.length > 0 ? ` for ${pass.groups.map((g) => g.name).join(', ')}` : '';
    out(
      `Last planning pass${groups}: ${local(parts.deps.campaign, pass.at)} (stage ${pass.stage ?? '-'}): ${pass.members} members, ${pass.registered} already registered, ${pass.queued} queued; ${pass.schoolEmail ?? 0} on their school email (${pass.emailLooks ?? 0} live looks this pass); ${pass.cardsToUpdate ?? 0} earlier nudges to show "you're all set"`,
    );
  }
  out(`Still in the queue: ${r.queueLength}`);
  out('');
  out('By outcome:');
  for (const [state, n] of Object.entries(r.counts.byState).sort()) out(`  ${state.padEnd(40)} ${n}`);
  out('');
  out('By group:');
  for (const [group, states] of Object.entries(r.counts.byGroup).sort()) {
    out(
      `  ${group}: ${Object.entries(states)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
  }
  if (args.csv) {
    const rows: Record<string, string | number>[] = [];
    for await (const page of parts.service.entries()) {
      for (const e of page) {
        rows.push({
          user: e.userId,
          group: e.group,
          nudge: e.nudge,
          state: e.state,
          detail: e.detail ?? '',
          attempts: e.attempts,
          updated: e.updatedAt,
        });
      }
    }
    fs.writeFileSync(args.csv, stringify(rows, { header: true }));
    out(`\n${rows.length} rows written to ${args.csv}`);
  }
}

async function send(parts: NudgeParts, args: Args, interrupted: () => boolean): Promise<void> {
  const { campaign, clock, delivery, queue } = parts.deps;
  // Open for any target group (pupils after school, staff in the day): the planner plans those whose window is.
  const open = momentsByGroup(campaign, clock.now()).some((m) => m.moment.kind === 'open');
  if (args.resend) out(`Queued again: ${await parts.service.resendFailures()} failed nudge(s)`);
  if (!open) {
    printSchedule(campaign, clock.now());
    out(
      'The sending window is shut: nothing sent. Queued nudges wait for it (the bot sends them, or run this again).',
    );
    return;
  }
  // Sends start as soon as the first members are queued: planning and sending overlap, as in the bot.
  let planning = !args.resend;
  const quiet = (args.quietSeconds ?? delivery.visibilityTimeoutMs / 1000 + 5) * 1000;
  progress.start(
    {
      // The worker's counts are read as they stand (it is not told): finished and sent so far.
      look: async () => {
        const queued = await queue.approximateCount();
        return { atMs: Date.now(), queued, ...finishedOf(parts.worker.stats) };
      },
      state: () => (planning ? 'planning' : 'sending'),
    },
    args.progressSeconds && args.progressSeconds * 1000,
  );
  let stats;
  try {
    const draining = parts.worker.drain(quiet, 250, () => planning);
    if (!args.resend) {
      let attempt: PlanAttempt;
      try {
        attempt = await parts.planner.planIfDue(args.replan);
      } catch (error) {
        parts.worker.stop();
        await draining;
        throw error;
      } finally {
        planning = false;
      }
      if (attempt.kind === 'planned') {
        const p = attempt.summary;
        out(
          `Planned stage ${p.stage}: ${p.queued} queued, ${p.registered} already registered, ${p.members} members`,
        );
      } else if (attempt.reason === 'leaseHeld') {
        out('Another instance is planning this campaign right now; sending what is queued.');
      } else {
        out(
          "Today's planning pass for this stage has run already (--replan runs it again); sending what is queued.",
        );
      }
    }
    stats = await draining;
  } finally {
    // Whatever ended the pass (the queue quiet, Ctrl+C, an error), the bar ends on a line of its own.
    await progress.stop(stats && !interrupted() ? 'finished' : 'stopped');
  }
  out(
    `Sent ${stats.results.sent}; blocked ${stats.results.blocked}; not installable ${stats.results.notInstallable}; registered since ${stats.results.skippedRegistered}; earlier nudges now showing "you're all set" ${stats.results.cardUpdated} (gone from the chat ${stats.results.cardGone}); expired ${stats.results.expired}; failed ${stats.results.failed}; 429s ${stats.throttled}; on the wire at a crash (not repeated) ${stats.inDoubt}; cut off by a crash before they left (sent now) ${stats.interrupted}`,
  );
}

/** Below normal CPU priority (a raise needs no privilege); where the system refuses, the pass runs as it is. */
function lowerPriority(): void {
  try {
    os.setPriority(Math.max(os.getPriority(), os.constants.priority.PRIORITY_BELOW_NORMAL));
  } catch {
    // Not allowed here (some containers): nothing else changes.
  }
}

async function main(): Promise<void> {
  const args = parseNudgeArgs(process.argv.slice(2));
  if (args.help) {
    // Before any configuration or storage: help works on a machine with neither set up.
    out(NUDGE_USAGE.trimEnd());
    return;
  }
  const { config, policy } = readConfiguration();
  // A pass is background work: on a machine it shares with the bot, the pupils' replies get the CPU first.
  lowerPriority();
  // The bot's container with none of its background jobs: this tool plans and sends in the foreground.
  const container = await createContainer(config, {
    // On a terminal the logs go through the bar, which moves down a line for each.
    log: process.stderr.isTTY
      ? createLogger(config.logLevel, { write: (line: string) => progress.write(process.stderr, line) })
      : cliLogger(config.logLevel),
    policy,
    clock: clockFrom(args.now),
    // No report refresh timer here: a pass reads what it needs.
    statusOptions: { refreshEveryMs: 0 },
  });
  const parts = container.nudges;
  if (!parts) {
    await container.stop();
    throw new ConfigError([`SCHOOL_CONFIG (${config.schoolConfigPath}) has no campaign section`]);
  }
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    parts.worker.stop();
  });
  try {
    if (args.dryRun) await dryRun(parts, args);
    else if (args.report) await report(parts, args);
    else await send(parts, args, () => interrupted);
  } finally {
    await container.stop();
  }
  if (interrupted) process.exitCode = 130;
}

runCli('npm run nudge', main);
