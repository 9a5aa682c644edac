/**
 * `npm run doctor` as an IT admin runs it: the built CLI, spawned with the bot's environment, against the Graph
 * stand-in (whose tokens carry the granted permissions in `roles` and whose routes refuse without them) and,
 * for the endpoint, the built bot itself. A tenant with everything exits 0 with every line ✔ (Mail.Send's ⚠
 * aside: its scoping cannot be seen from a token); each missing piece exits 1 naming what is missing and the
 * fix; several at once are all named in one run; an unusable configuration exits 2.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { DEMO_TENANT_ID } from '../../src/config/env';
import { ROOT, startBot, tempDataDir, type BotProcess } from '../support/botProcess';
import { runBuiltCli } from '../support/cliProcess';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { addTeamsAppsRoutes } from '../support/graph/teamsAppsRoutes';
import { TEST_APP } from '../support/graphTenant';
import { GRAPH_APP_ROLES } from '../support/tokenEndpoint';

const SAMPLE = path.join(ROOT, 'config', 'kscs.school.yaml');
const MANIFEST_ID = '8c4d2f1e-3b5a-4c6d-9e8f-7a6b5c4d3e2f';
const IT_MANIFEST_ID = '8c4d2f1e-3b5a-4c6d-9e8f-7a6b5c4d3e30';
const MAILBOX = 'ITServiceDesk@kenstimpson.org.uk';
/** Before the sample's first reminder (18 December 2026) and its enforcement date (11 January 2027). */
const NOW = '2026-12-01T10:00:00Z';

/** The school's own group ids (the sample's demo ids, renumbered), as the policy names them. */
const GROUPS = {
  serviceDesk: '6b00000b-0000-4000-8000-000000000001',
  itStaff: '6b00000b-0000-4000-8000-000000000002',
  targets: ['6b00000b-0000-4000-8000-000000000003', '6b00000b-0000-4000-8000-000000000004'],
  reports: [7, 8, 9, 10, 11, 12, 13].map(
    (n) => `6b00000b-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
  ),
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The check lines (✔, ⚠, ✘ and what follows the symbol), without the fixes. */
  checks: string[];
}

/** Runs the built doctor (25 s at most); `checks` are its ✔/⚠/✘ lines, without the fixes. */
async function doctor(env: Record<string, string>, ...args: string[]): Promise<Run> {
  const { code, stdout, stderr } = await runBuiltCli('doctor', env, args, 25_000);
  const checks = stdout.split('\n').filter((l) => /^[✔⚠✘] /.test(l));
  return { status: code, stdout, stderr, checks };
}

describe('npm run doctor (built CLI, Graph stand-in)', function () {
  this.timeout(60_000);
  let dir: string;
  let policyPath: string;
  let securedBot: BotProcess;
  let graph: GraphStandIn;

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'doctor.js')))
      throw new Error('dist/cli/doctor.js is missing: run `npm run build` first');
    dir = tempDataDir('mfa-buddy-doctor-');
    const policy = YAML.parse(fs.readFileSync(SAMPLE, 'utf8')) as {
      groups: Record<string, string>;
      campaign: { targets: { groups: { id: string }[] }; reportGroups: { id: string }[] };
    };
    policy.groups = { serviceDesk: GROUPS.serviceDesk, itStaff: GROUPS.itStaff };
    policy.campaign.targets.groups.forEach((g, i) => (g.id = GROUPS.targets[i]!));
    policy.campaign.reportGroups.forEach((g, i) => (g.id = GROUPS.reports[i]!));
    policyPath = path.join(dir, 'school.yaml');
    fs.writeFileSync(policyPath, YAML.stringify(policy));
    // The deployed bot with inbound authentication on (no token: 401 before anything else).
    securedBot = await startBot({
      DATA_DIR: path.join(dir, 'secured-bot'),
      BOT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      BOT_PASSWORD: 'not-used-here',
      TENANT_ID: DEMO_TENANT_ID,
    });
  });

  after(async () => {
    await securedBot?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A tenant with everything the sample policy needs; `options` takes pieces away. */
  async function tenant(options: { roles?: readonly string[]; premium?: boolean } = {}) {
    graph = await GraphStandIn.start(options);
    const names = [
      'Service desk',
      'IT staff',
      'All pupils',
      'All staff',
      ...GROUPS.reports.map((_, i) => `Year ${i + 7}`),
    ];
    [GROUPS.serviceDesk, GROUPS.itStaff, ...GROUPS.targets, ...GROUPS.reports].forEach((id, i) =>
      graph.addGroup(id, [], names[i]),
    );
    graph.addUser({
      id: '9d000000-0000-4000-8000-0000000000d1',
      displayName: 'IT Service Desk',
      userPrincipalName: MAILBOX,
      methods: [],
    });
    addTeamsAppsRoutes(graph, { manifestId: MANIFEST_ID, otherApps: { [IT_MANIFEST_ID]: 'MFA Buddy IT' } });
    return graph;
  }

  afterEach(async () => {
    await graph?.close();
  });

  function envFor(standIn: GraphStandIn, extra: Record<string, string> = {}) {
    return {
      ...standIn.env,
      SUPPORT_CODE_KEY: 'a1'.repeat(32),
      SCHOOL_CONFIG: policyPath,
      TEAMS_APP_ID: MANIFEST_ID,
      TEAMS_IT_APP_ID: IT_MANIFEST_ID,
      ...extra,
    };
  }

  const consentUrl = () => `${graph.url}/${TEST_APP.tenantId}/adminconsent?client_id=${TEST_APP.clientId}`;

  it('everything in place: exits 0, every line ✔ but Mail.Send’s ⚠ (its scoping cannot be seen), and only reads', async () => {
    await tenant();
    const run = await doctor(envFor(graph), '--now', NOW, '--endpoint', securedBot.url);
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    expect(run.checks.filter((l) => !l.startsWith('✔'))).to.deep.equal([
      `⚠ Mail.Send: granted in Entra ID, so escalation mail from ${MAILBOX} can go; an Entra grant lets the app send as any mailbox, and whether an application access policy narrows it cannot be seen from here`,
    ]);
    for (const expected of [
      `✔ Graph token: issued to app ${TEST_APP.clientId} by tenant ${TEST_APP.tenantId}`,
      ...GRAPH_APP_ROLES.filter((r) => r !== 'Mail.Send').map((r) => `✔ ${r}: granted (`),
      '✔ Registration report: readable (the tenant has Entra ID P1 or P2)',
      `✔ groups.serviceDesk: group "Service desk" (${GROUPS.serviceDesk})`,
      `✔ campaign.targets.groups[1] "All staff": group "All staff" (${GROUPS.targets[1]})`,
      `✔ campaign.reportGroups[6] "Year 13": group "Year 13" (${GROUPS.reports[6]})`,
      `✔ Teams app in the org catalog: "MFA Buddy" (manifest id ${MANIFEST_ID})`,
      `✔ IT’s view (the progress tab and \`progress\` in chat): "MFA Buddy IT" is in the org catalog (manifest id ${IT_MANIFEST_ID}); make it available to the IT staff group only`,
      `✔ Sender mailbox ${MAILBOX} (support.mailbox in SCHOOL_CONFIG): exists and has a mailbox`,
      '✔ registration.enforcementDate 2027-01-11 (Monday 11 January 2027): in 41 days',
      `✔ ${securedBot.url}/healthz: answers 200`,
      `✔ ${securedBot.url}/api/messages: refuses a request without a token (401), inbound authentication is on`,
    ]) {
      expect(
        run.checks.some((l) => l.startsWith(expected)),
        `${expected}\n${run.stdout}`,
      ).to.equal(true);
    }
    expect(run.checks.filter((l) => / group "/.test(l))).to.have.length(11);
    expect(run.stdout).to.include('All set: nothing the configured features need is missing.');
    // Read-only: besides the token request, GETs only.
    const writes = graph.tenant.server.requests.filter(
      (r) => r.method !== 'GET' && !r.path.endsWith('/token'),
    );
    expect(writes).to.deep.equal([]);
  });

  it('a missing permission: exits 1 naming the permission, what fails without it and the consent link', async () => {
    await tenant({ roles: GRAPH_APP_ROLES.filter((r) => r !== 'GroupMember.Read.All') });
    const run = await doctor(envFor(graph), '--now', NOW);
    expect(run.status, run.stdout).to.equal(1);
    expect(run.stdout).to.include(
      '✘ GroupMember.Read.All: missing, so group membership: the service desk, IT staff and the campaign’s groups will fail\n' +
        `    fix: Add the Microsoft Graph application permission GroupMember.Read.All to the app registration (API permissions), then grant admin consent: ${consentUrl()}`,
    );
    // Graph itself refuses the group reads: one line for all of them, not the same fix eleven times.
    expect(run.checks.filter((l) => l.startsWith('✘'))).to.deep.equal([
      '✘ GroupMember.Read.All: missing, so group membership: the service desk, IT staff and the campaign’s groups will fail',
      "✘ The policy's 11 groups: refused (403 Authorization_RequestDenied), so GroupMember.Read.All is not granted",
    ]);
    expect(run.stdout).to.include('2 problems to fix (✘ above).');
  });

  it('a campaign without AppCatalog.Read.All or TeamsAppInstallation…: both named with the campaign’s installs', async () => {
    await tenant({
      roles: GRAPH_APP_ROLES.filter(
        (r) => r !== 'AppCatalog.Read.All' && r !== 'TeamsAppInstallation.ReadWriteSelfForUser.All',
      ),
    });
    const run = await doctor(envFor(graph), '--now', NOW);
    expect(run.status).to.equal(1);
    expect(run.checks).to.include.members([
      '✘ TeamsAppInstallation.ReadWriteSelfForUser.All: missing, so installing the app for people a campaign cannot reach yet will fail',
      '✘ AppCatalog.Read.All: missing, so finding the app in the org catalog for those installs will fail',
      '✘ Teams app in the org catalog: refused (403 Authorization_RequestDenied), so AppCatalog.Read.All is not granted',
    ]);
  });

  it('a group id the tenant does not have: exits 1 naming the policy key and the file to change', async () => {
    await tenant();
    graph.groups.delete(GROUPS.serviceDesk);
    const run = await doctor(envFor(graph), '--now', NOW);
    expect(run.status, run.stdout).to.equal(1);
    expect(run.stdout).to.include(
      `✘ groups.serviceDesk: no group with id ${GROUPS.serviceDesk} in this tenant\n` +
        `    fix: Put the Object ID of the right Entra group (Microsoft Entra admin centre, Groups, the group’s Overview) in groups.serviceDesk in ${policyPath}.`,
    );
    expect(run.checks.filter((l) => l.startsWith('✘'))).to.have.length(1);
  });

  it('a tenant without Entra ID P1: exits 1 naming it, what it costs and the fix', async () => {
    await tenant({ premium: false });
    const run = await doctor(envFor(graph), '--now', NOW);
    expect(run.status, run.stdout).to.equal(1);
    expect(run.stdout).to.include(
      '✘ Registration report: refused, the tenant has no Microsoft Entra ID P1 or P2 (Authentication_RequestFromNonPremiumTenantOrB2CTenant)',
    );
    expect(run.stdout).to.include('    fix: License Microsoft Entra ID P1 or P2 for the tenant');
    expect(run.checks.filter((l) => l.startsWith('✘'))).to.have.length(1);
  });

  it('several problems at once: every one is named in the same run', async () => {
    await tenant({
      premium: false,
      // Without either, since the write permission (the desk's pass) also covers the reads.
      roles: GRAPH_APP_ROLES.filter((r) => !r.startsWith('UserAuthenticationMethod.')),
    });
    graph.groups.delete(GROUPS.reports[2]!);
    graph.addUser({
      id: '9d000000-0000-4000-8000-0000000000d1',
      displayName: 'IT Service Desk',
      userPrincipalName: MAILBOX,
      mail: null,
      methods: [],
    });
    const openBot = await startBot({ DATA_DIR: path.join(dir, 'open-bot') });
    try {
      const run = await doctor(
        envFor(graph, { TEAMS_APP_ID: '', TEAMS_IT_APP_ID: '' }),
        '--now',
        NOW,
        '--endpoint',
        openBot.url,
      );
      expect(run.status, run.stdout).to.equal(1);
      // Not a failure (the pupils' bot works without it), but said.
      expect(run.checks).to.include(
        '⚠ IT’s view (the progress tab and `progress` in chat): TEAMS_IT_APP_ID is not set, so the progress card has no button to the tab',
      );
      const failed = run.checks.filter((l) => l.startsWith('✘'));
      for (const expected of [
        '✘ UserAuthenticationMethod.Read.All: missing',
        '✘ UserAuthenticationMethod.ReadWrite.All: missing, so the desk’s Temporary Access Pass (optional) will fail',
        '✘ Registration report: refused, the tenant has no Microsoft Entra ID P1 or P2',
        `✘ campaign.reportGroups[2] "Year 9": no group with id ${GROUPS.reports[2]}`,
        '✘ Teams app in the org catalog: TEAMS_APP_ID is not set',
        `✘ Sender mailbox ${MAILBOX} (support.mailbox in SCHOOL_CONFIG): the user exists but has no mailbox`,
        `✘ ${openBot.url}/api/messages: answered 200 to a request without a token, so inbound authentication is off`,
      ]) {
        expect(
          failed.some((l) => l.startsWith(expected)),
          `${expected}\n${run.stdout}`,
        ).to.equal(true);
      }
      expect(failed).to.have.length(7);
      expect(run.stdout).to.include('7 problems to fix (✘ above).');
    } finally {
      await openBot.stop();
    }
  });

  it('a wrong client secret: exits 1 saying so, and says the tenant checks did not run', async () => {
    await tenant();
    const run = await doctor(envFor(graph, { GRAPH_CLIENT_SECRET: 'not-the-secret' }), '--now', NOW);
    expect(run.status, run.stdout).to.equal(1);
    expect(run.stdout).to.include(
      '✘ Graph token: refused, the client secret is wrong (AADSTS7000215)\n' +
        '    fix: Create a new client secret on the app registration (Certificates & secrets) and put its Value, not its Secret ID, in GRAPH_CLIENT_SECRET.',
    );
    expect(run.checks).to.include(
      '⚠ Permissions, registration report, groups, Teams app and sender mailbox: not checked without a token',
    );
    expect(graph.tenant.server.requests.filter((r) => r.path.startsWith('/v1.0/'))).to.deep.equal([]);
  });

  it('a token endpoint that never answers: gives up after GRAPH_REQUEST_TIMEOUT_MS and says where it waited', async () => {
    await tenant();
    graph.tenant.server.failNext({ kind: 'hang' }, { path: /\/token$/, times: 5 });
    const started = Date.now();
    const run = await doctor(envFor(graph, { GRAPH_REQUEST_TIMEOUT_MS: '1500' }), '--now', NOW);
    expect(run.status, run.stdout).to.equal(1);
    expect(run.stdout).to.include(`✘ Graph token: the sign-in service (${graph.url}) did not answer in time`);
    // Under the 10 s default, which alone would take longer than this (start-up included): the configured
    // timeout is the one applied.
    expect(Date.now() - started).to.be.below(10_000);
  });

  it('demo mode (no Graph settings): says so, checks only the policy and the endpoint', async () => {
    const run = await doctor({}, '--now', NOW, '--endpoint', securedBot.url);
    expect(run.status, run.stdout).to.equal(0);
    expect(run.checks).to.include(
      '⚠ Microsoft Graph: GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET are not set, so the bot runs on the built-in demo school; only the policy and the endpoint are checked',
    );
    expect(run.checks).to.include(
      '⚠ SCHOOL_CONFIG is not set, so the sample policy is in use: the demo school’s name, dates and group ids',
    );
    expect(run.stdout).to.not.include('Graph token');
    expect(run.stdout).to.not.include('groups.serviceDesk');
    expect(run.checks.some((l) => l.startsWith('✔ registration.enforcementDate 2027-01-11'))).to.equal(true);
    expect(run.checks.some((l) => l.startsWith(`✔ ${securedBot.url}/api/messages: refuses`))).to.equal(true);
  });

  it('a configuration the bot would refuse exits 2 naming the variable; --help exits 0', async () => {
    const bad = await doctor({ TEAMS_APP_ID: 'not-a-guid' });
    expect(bad.status).to.equal(2);
    expect(bad.stdout).to.include('✘ Configuration: TEAMS_APP_ID must be a GUID');
    const badPolicy = await doctor({ SCHOOL_CONFIG: path.join(dir, 'missing.yaml') });
    expect(badPolicy.status).to.equal(2);
    expect(badPolicy.stdout).to.include('✘ Configuration: SCHOOL_CONFIG: cannot read');
    const badEndpoint = await doctor({}, '--endpoint', 'http://bot.example.org');
    expect(badEndpoint.status).to.equal(2);
    expect(badEndpoint.stderr).to.include('--endpoint must be an https:// address');
    const help = await doctor({}, '--help');
    expect(help.status).to.equal(0);
    expect(help.stdout).to.match(/^Usage:\n {2}npm run doctor/);
  });
});
