/**
 * Which test files `npm test` runs side by side, and in what order. Most of the suite's time is spent waiting
 * on stand-ins, built bots, Azurite and a browser, not computing, so the files run in several worker
 * processes at once, the longest first (none is left running alone at the end). The suites that compare
 * pupils' reply times with and without a campaign run afterwards, with no other file beside them: files starting
 * and stopping beside them would make that comparison measure the machine. The two run side by side with each
 * other: each keeps under a fifth of two cores busy, and their phases line up (the quiet talk beside the
 * quiet talk, the campaign beside the campaign), so each comparison sees the same machine on both sides of it.
 * A test file not named here runs side by side, after the longest ones, so a new file needs no change here.
 */
const path = require('node:path');
const fs = require('node:fs');
const lookupFiles = require('mocha/lib/cli/lookup-files');

const ROOT = path.resolve(__dirname, '..', '..');

/** The timing-sensitive suites, run together once the others have finished. */
const TIMING_SENSITIVE = [
  'test/nudges/sharedSendBudget.e2e.test.ts',
  'test/e2e/azureSharedSendBudget.e2e.test.ts',
];

/** The longest of the others (about 10 s or more on 2 cores), longest first. */
const LONGEST_FIRST = [
  'test/playground/playgroundBrowser.test.ts',
  'test/e2e/azureCampaign.e2e.test.ts',
  'test/nudges/nudgeCampaign.test.ts',
  'test/nudges/nudgeCrash.e2e.test.ts',
  'test/adapters/azure/stores.test.ts',
  'test/deploy/deployPackage.test.ts',
  'test/e2e/escalation.e2e.test.ts',
  'test/e2e/botProcess.test.ts',
  'test/playground/playgroundConversation.test.ts',
  'test/e2e/registrationStatus.e2e.test.ts',
  'test/e2e/azureStorage.e2e.test.ts',
  'test/cli/doctor.e2e.test.ts',
  'test/e2e/azureEscalation.e2e.test.ts',
  'test/features/itView/progressTab.browser.test.ts',
  'test/cli/nudgeArgs.e2e.test.ts',
  'test/teams/botMessenger.test.ts',
  'test/cli/nudgeProgress.e2e.test.ts',
];

function plan() {
  const named = [...TIMING_SENSITIVE, ...LONGEST_FIRST];
  for (const file of named) {
    // A renamed file would otherwise silently lose its place (or, for TIMING_SENSITIVE, its quiet machine).
    if (!fs.existsSync(path.join(ROOT, file)))
      throw new Error(`test/mocha/plan.cjs names ${file}, which does not exist`);
  }
  if (new Set(named).size !== named.length)
    throw new Error('test/mocha/plan.cjs names a file twice: it would run twice');
  // The files mocha's own glob finds, as `mocha 'test/**/*.test.ts'` would run them.
  const rest = lookupFiles('test/**/*.test.ts', ['ts'], false)
    .map((file) => path.relative(ROOT, path.resolve(file)).split(path.sep).join('/'))
    .filter((file) => !named.includes(file))
    .sort();
  return { sideBySide: [...LONGEST_FIRST, ...rest], alone: TIMING_SENSITIVE };
}

module.exports = { plan };
