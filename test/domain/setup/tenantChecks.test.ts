import { expect } from 'chai';
import {
  doctorExitCode,
  fail,
  formatCheckLine,
  ok,
  warn,
  type GraphAnswer,
} from '../../../src/domain/setup/checkLine';
import {
  catalogCheck,
  itAppCheck,
  groupChecks,
  mailboxCheck,
  reportCheck,
  tokenFailureCheck,
  type TenantContext,
} from '../../../src/domain/setup/tenantChecks';

const CONTEXT: TenantContext = {
  tenantId: '7d3c9a1e-2b4f-4e6a-8c1d-9f0e1a2b3c4d',
  clientId: '0b5e8f2a-6c3d-4a1b-9e7f-1d2c3b4a5f6e',
  authorityHost: 'https://login.microsoftonline.com',
  graphBaseUrl: 'https://graph.microsoft.com',
  consentUrl: 'https://login.microsoftonline.com/t/adminconsent?client_id=c',
  policyPath: '/etc/school.yaml',
};
const error = (status: number, code?: string): GraphAnswer<never> => ({
  kind: 'error',
  status,
  code,
  message: 'x',
});
const DESK = { key: 'groups.serviceDesk', id: '6b00000b-0000-4000-8000-000000000001' };
const DEMO = {
  key: 'campaign.targets.groups[0]',
  id: '5a00000a-0000-4000-8000-000000000003',
  name: 'All pupils',
};

describe('setup check: the tenant’s answers', () => {
  it('prints ✔, ⚠ and ✘ with the fix below; exit 1 only when something failed', () => {
    expect(formatCheckLine(ok('a'))).to.equal('✔ a');
    expect(formatCheckLine(warn('b', 'do c'))).to.equal('⚠ b\n    hint: do c');
    expect(formatCheckLine(fail('d', 'do e'))).to.equal('✘ d\n    fix: do e');
    expect(doctorExitCode([ok('a'), warn('b')])).to.equal(0);
    expect(doctorExitCode([ok('a'), fail('d', 'e'), warn('b')])).to.equal(1);
  });

  const tokenCases: [string, string, RegExp, RegExp][] = [
    [
      'AADSTS7000215: Invalid client secret provided.',
      'wrong',
      /client secret is wrong/,
      /Value, not its Secret ID, in GRAPH_CLIENT_SECRET/,
    ],
    [
      'AADSTS7000222: The provided client secret keys are expired.',
      'expired',
      /has expired/,
      /GRAPH_CLIENT_SECRET/,
    ],
    [
      'AADSTS700016: Application with identifier was not found.',
      'unknown app',
      /has no application 0b5e8f2a/,
      /GRAPH_CLIENT_ID/,
    ],
    ['AADSTS90002: Tenant not found.', 'unknown tenant', /was not found/, /TENANT_ID/],
    [
      'something else\nwith a stack',
      'anything else',
      /not obtained \(something else\)$/,
      /GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET and TENANT_ID/,
    ],
  ];
  for (const [message, what, text, fix] of tokenCases) {
    it(`a token refusal (${what}) names the setting to change`, () => {
      const line = tokenFailureCheck(message, false, CONTEXT);
      expect(line.status).to.equal('fail');
      expect(line.text).to.match(text);
      expect(line.fix).to.match(fix);
    });
  }

  it('a token request that timed out names the sign-in host', () => {
    expect(tokenFailureCheck('whatever', true, CONTEXT)).to.deep.equal(
      fail(
        'Graph token: the sign-in service (https://login.microsoftonline.com) did not answer in time',
        'Check that this machine reaches https://login.microsoftonline.com over HTTPS (proxy, firewall, DNS).',
      ),
    );
  });

  it('the report: readable, no P1, no permission, no answer', () => {
    expect(reportCheck({ kind: 'ok', body: {} }, CONTEXT).status).to.equal('ok');
    const noP1 = reportCheck(error(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'), CONTEXT);
    expect(noP1.status).to.equal('fail');
    expect(noP1.text).to.include('no Microsoft Entra ID P1 or P2');
    expect(noP1.fix).to.match(/^License Microsoft Entra ID P1 or P2/);
    const denied = reportCheck(error(403, 'Authentication_MSGraphPermissionMissing'), CONTEXT);
    expect(denied.text).to.equal(
      'Registration report: refused (403 Authentication_MSGraphPermissionMissing), so AuditLog.Read.All is not granted',
    );
    expect(denied.fix).to.include(CONTEXT.consentUrl);
    expect(reportCheck(error(0), CONTEXT).text).to.equal(
      'Registration report: could not be checked (Microsoft Graph did not answer in time)',
    );
    expect(reportCheck(error(503, 'ServiceUnavailable'), CONTEXT).status).to.equal('fail');
  });

  it('groups: found, missing (saying when the id is the sample’s), and all refused in one line', () => {
    const lines = groupChecks(
      [DESK, DEMO],
      [{ kind: 'ok', body: { displayName: 'IT Service Desk' } }, error(404, 'Request_ResourceNotFound')],
      CONTEXT,
    );
    expect(lines[0]).to.deep.equal(
      ok('groups.serviceDesk: group "IT Service Desk" (6b00000b-0000-4000-8000-000000000001)'),
    );
    expect(lines[1]).to.deep.equal(
      fail(
        'campaign.targets.groups[0] "All pupils": no group with id 5a00000a-0000-4000-8000-000000000003 in this tenant, and this id is the sample school’s',
        'Put the Object ID of the right Entra group (Microsoft Entra admin centre, Groups, the group’s Overview) in campaign.targets.groups[0] in /etc/school.yaml.',
      ),
    );
    const refused = groupChecks(
      [DESK, DEMO],
      [error(403, 'Authorization_RequestDenied'), error(403, 'Authorization_RequestDenied')],
      CONTEXT,
    );
    expect(refused.map((l) => l.text)).to.deep.equal([
      "The policy's 2 groups: refused (403 Authorization_RequestDenied), so GroupMember.Read.All is not granted",
    ]);
    // One refused among found ones stays on its own line.
    expect(
      groupChecks(
        [DESK, DEMO],
        [error(403, 'Authorization_RequestDenied'), { kind: 'ok', body: {} }],
        CONTEXT,
      ),
    ).to.have.length(2);
  });

  it('the Teams app: only with a campaign; TEAMS_APP_ID unset fails; found, missing and refused', () => {
    expect(catalogCheck({ kind: 'noCampaign' }, CONTEXT)).to.equal(undefined);
    expect(catalogCheck({ kind: 'noAppId' }, CONTEXT)!.fix).to.match(/^Set TEAMS_APP_ID/);
    expect(catalogCheck({ kind: 'catalogIdSet', catalogId: 'abc' }, CONTEXT)!.status).to.equal('warn');
    const looked = (answer: GraphAnswer<{ value?: { id: string; displayName?: string }[] }>) =>
      catalogCheck({ kind: 'lookedUp', manifestId: 'm-1', answer }, CONTEXT)!;
    expect(looked({ kind: 'ok', body: { value: [{ id: 'c', displayName: 'MFA Buddy' }] } }).text).to.equal(
      'Teams app in the org catalog: "MFA Buddy" (manifest id m-1)',
    );
    expect(looked({ kind: 'ok', body: { value: [] } })).to.deep.include({
      status: 'fail',
      text: 'Teams app in the org catalog: no app with manifest id m-1 (TEAMS_APP_ID)',
    });
    expect(looked(error(403, 'Forbidden')).text).to.match(/AppCatalog\.Read\.All is not granted$/);
  });

  it("IT's view: no IT staff group and no app id are said (not failures); found names where availability is set; missing, refused", () => {
    expect(itAppCheck({ kind: 'noItStaff' }, CONTEXT)).to.deep.include({
      status: 'warn',
      text: 'IT’s view (the progress tab and `progress` in chat): the policy has no groups.itStaff, so nobody sees the school’s figures',
    });
    expect(itAppCheck({ kind: 'noAppId' }, CONTEXT)).to.deep.include({ status: 'warn' });
    expect(itAppCheck({ kind: 'noAppId' }, CONTEXT).fix).to.match(/^Set TEAMS_IT_APP_ID/);
    const looked = (answer: GraphAnswer<{ value?: { id: string; displayName?: string }[] }>) =>
      itAppCheck({ kind: 'lookedUp', manifestId: 'it-1', answer }, CONTEXT);
    const found = looked({ kind: 'ok', body: { value: [{ id: 'c', displayName: 'MFA Buddy IT' }] } });
    expect(found.status).to.equal('ok');
    expect(found.text).to.contain('"MFA Buddy IT" is in the org catalog (manifest id it-1)');
    expect(found.text).to.contain('Users and groups');
    expect(looked({ kind: 'ok', body: { value: [] } })).to.deep.include({
      status: 'warn',
      text: 'IT’s view (the progress tab and `progress` in chat): no app with manifest id it-1 (TEAMS_IT_APP_ID) in the org catalog',
    });
    expect(looked(error(403, 'Forbidden')).text).to.match(/AppCatalog\.Read\.All is not granted$/);
    // The permission is optional and the tab is not the pupils' bot: never a failure.
    expect(looked(error(403, 'Forbidden')).status).to.equal('warn');
    expect(looked(error(503, 'ServiceUnavailable')).status).to.equal('warn');
  });

  it('the sender mailbox: a mailbox, a user without one, no such user', () => {
    const box = { address: 'desk@school.org.uk', setting: 'SENDER_MAILBOX' };
    expect(
      mailboxCheck(box, { kind: 'ok', body: { id: 'u', mail: 'desk@school.org.uk' } }, CONTEXT).status,
    ).to.equal('ok');
    const noMail = mailboxCheck(box, { kind: 'ok', body: { id: 'u', mail: null } }, CONTEXT);
    expect(noMail).to.deep.include({
      status: 'fail',
      text: 'Sender mailbox desk@school.org.uk (SENDER_MAILBOX): the user exists but has no mailbox, so escalation mail cannot be sent from it',
    });
    const missing = mailboxCheck(box, error(404, 'Request_ResourceNotFound'), CONTEXT);
    expect(missing.fix).to.match(/^Set SENDER_MAILBOX to the user principal name/);
  });
});
