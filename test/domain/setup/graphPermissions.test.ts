import { expect } from 'chai';
import { formatCheckLine } from '../../../src/domain/setup/checkLine';
import {
  adminConsentUrl,
  permissionChecks,
  rolesInAccessToken,
  type ConfiguredFeatures,
} from '../../../src/domain/setup/graphPermissions';

const ALL: ConfiguredFeatures = {
  campaign: true,
  catalogIdSet: false,
  groupsNamed: true,
  temporaryAccessPass: true,
};
const CONSENT = adminConsentUrl(
  'https://login.microsoftonline.com/',
  '7d3c9a1e-2b4f-4e6a-8c1d-9f0e1a2b3c4d',
  '0b5e8f2a-6c3d-4a1b-9e7f-1d2c3b4a5f6e',
);
const NEEDED = [
  'AuditLog.Read.All',
  'UserAuthenticationMethod.Read.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'User.Read.All',
  'GroupMember.Read.All',
  'TeamsAppInstallation.ReadWriteSelfForUser.All',
  'AppCatalog.Read.All',
];
const NO_PASS: ConfiguredFeatures = { ...ALL, temporaryAccessPass: false };
const READ_METHODS = 'UserAuthenticationMethod.Read.All';
const WRITE_METHODS = 'UserAuthenticationMethod.ReadWrite.All';

function jwt(payload: object): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(payload)}.c2lnbmF0dXJl`;
}

function checks(roles: string[], features: ConfiguredFeatures = ALL) {
  return permissionChecks(roles, {
    features,
    consentUrl: CONSENT,
    clientId: '0b5e8f2a-6c3d-4a1b-9e7f-1d2c3b4a5f6e',
    senderMailbox: 'desk@school.org.uk',
  });
}

const statusOf = (lines: ReturnType<typeof checks>, permission: string) =>
  lines.find((l) => l.text.startsWith(`${permission}:`))?.status;

describe('setup check: Graph permissions', () => {
  it('reads the roles claim of an app-only token; no claim means nothing granted; not a JWT is undefined', () => {
    expect(rolesInAccessToken(jwt({ tid: 't', roles: ['User.Read.All', 'Mail.Send'] }))).to.deep.equal([
      'User.Read.All',
      'Mail.Send',
    ]);
    expect(rolesInAccessToken(jwt({ tid: 't' }))).to.deep.equal([]);
    expect(rolesInAccessToken('opaque-token')).to.equal(undefined);
    expect(rolesInAccessToken('a.!!!.c')).to.equal(undefined);
    expect(rolesInAccessToken(jwt({ roles: 'User.Read.All' }))).to.equal(undefined);
  });

  it('builds the admin consent link from the sign-in host, the tenant and the app', () => {
    expect(CONSENT).to.equal(
      'https://login.microsoftonline.com/7d3c9a1e-2b4f-4e6a-8c1d-9f0e1a2b3c4d/adminconsent?client_id=0b5e8f2a-6c3d-4a1b-9e7f-1d2c3b4a5f6e',
    );
  });

  it('all granted: every permission ✔, Mail.Send ⚠ (an Entra grant can send as anyone)', () => {
    const lines = checks([...NEEDED, 'Mail.Send']);
    expect(lines.filter((l) => l.status !== 'ok').map((l) => l.text)).to.have.length(1);
    expect(lines.at(-1)!.text).to.match(/^Mail\.Send: granted in Entra ID/);
    expect(lines.at(-1)!.fix).to.include('"Application Mail.Send"');
    expect(lines.at(-1)!.fix).to.include('desk@school.org.uk');
  });

  it('Mail.Send absent is a ⚠, not a ✘: RBAC for Applications grants it outside the token', () => {
    const line = checks(NEEDED).at(-1)!;
    expect(line.status).to.equal('warn');
    expect(line.text).to.include('cannot be seen from here');
    expect(line.fix).to.include('New-ManagementRoleAssignment -App 0b5e8f2a-6c3d-4a1b-9e7f-1d2c3b4a5f6e');
  });

  for (const missing of NEEDED) {
    it(`${missing} missing: ✘ naming what fails, with the consent link`, () => {
      // The write permission covers the reads: without the pass, the reads need their own.
      const features = missing === READ_METHODS ? NO_PASS : ALL;
      const granted = NEEDED.filter(
        (p) => p !== missing && (features.temporaryAccessPass || p !== WRITE_METHODS),
      );
      const lines = checks(granted, features);
      const line = lines.find((l) => l.text.startsWith(`${missing}:`))!;
      expect(line.status).to.equal('fail');
      expect(line.text).to.match(/: missing, so .+ will fail$/);
      expect(line.fix).to.equal(
        `Add the Microsoft Graph application permission ${missing} to the app registration (API permissions), then grant admin consent: ${CONSENT}`,
      );
      expect(lines.filter((l) => l.status === 'fail')).to.have.length(1);
    });
  }

  it('campaign permissions are not needed without a campaign, nor the catalog one with TEAMS_APP_CATALOG_ID', () => {
    const noCampaign = checks(
      ['AuditLog.Read.All', 'UserAuthenticationMethod.Read.All', 'User.Read.All', 'GroupMember.Read.All'],
      { ...NO_PASS, campaign: false },
    );
    expect(noCampaign.filter((l) => l.status === 'fail')).to.deep.equal([]);
    expect(noCampaign.map((l) => l.text)).to.include(
      'AppCatalog.Read.All: not needed (the policy has no campaign)',
    );
    const withCatalogId = checks(NEEDED, { ...ALL, catalogIdSet: true });
    const catalog = withCatalogId.find((l) => l.text.startsWith('AppCatalog.Read.All'))!;
    expect(catalog).to.deep.include({
      status: 'warn',
      text: 'AppCatalog.Read.All: granted but not needed (TEAMS_APP_CATALOG_ID is set)',
    });
    const noGroups = checks(
      NEEDED.filter((p) => p !== 'GroupMember.Read.All'),
      { ...ALL, groupsNamed: false },
    );
    expect(statusOf(noGroups, 'GroupMember.Read.All')).to.equal('ok');
  });

  it("the desk's Temporary Access Pass: its write permission is needed only when the policy switches it on, and then covers the reads", () => {
    const on = checks(NEEDED.filter((p) => p !== READ_METHODS));
    expect(on.find((l) => l.text.startsWith(`${READ_METHODS}:`))).to.deep.include({
      status: 'ok',
      text: `${READ_METHODS}: covered by ${WRITE_METHODS}, which the bot needs anyway (live checks of one person’s methods ("I’ve done it"))`,
    });
    expect(statusOf(on, WRITE_METHODS)).to.equal('ok');
    expect(on.filter((l) => l.status === 'fail')).to.deep.equal([]);
    const missing = checks(NEEDED.filter((p) => p !== WRITE_METHODS));
    expect(missing.find((l) => l.text.startsWith(`${WRITE_METHODS}:`))?.text).to.equal(
      `${WRITE_METHODS}: missing, so the desk’s Temporary Access Pass (optional) will fail`,
    );
    const off = checks(NEEDED, NO_PASS);
    expect(off.find((l) => l.text.startsWith(`${WRITE_METHODS}:`))).to.deep.include({
      status: 'warn',
      text: `${WRITE_METHODS}: granted but not needed (temporaryAccessPass is off in the policy)`,
    });
    expect(
      checks(
        NEEDED.filter((p) => p !== WRITE_METHODS),
        NO_PASS,
      ).map((l) => l.text),
    ).to.include(`${WRITE_METHODS}: not needed (temporaryAccessPass is off in the policy)`);
    // Without the pass, the write permission covering the reads grants more than they need.
    expect(statusOf(checks([WRITE_METHODS], NO_PASS), READ_METHODS)).to.equal('warn');
  });

  it('a broader permission Graph also accepts covers the need with a ⚠, and is not listed as unused', () => {
    const lines = checks([
      'AuditLog.Read.All',
      'UserAuthenticationMethod.Read.All',
      'UserAuthenticationMethod.ReadWrite.All',
      'Directory.Read.All',
      'TeamsAppInstallation.ReadWriteSelfForUser.All',
      'AppCatalog.Read.All',
    ]);
    expect(lines.filter((l) => l.status === 'fail')).to.deep.equal([]);
    expect(statusOf(lines, 'User.Read.All')).to.equal('warn');
    expect(lines.find((l) => l.text.startsWith('GroupMember.Read.All'))!.text).to.match(
      /^GroupMember\.Read\.All: covered by Directory\.Read\.All, which grants more than the bot needs/,
    );
    expect(lines.some((l) => l.text.startsWith('Also granted'))).to.equal(false);
  });

  it('permissions nothing uses are listed once, as a ⚠', () => {
    const lines = checks([...NEEDED, 'Mail.ReadWrite', 'Sites.Read.All']);
    const extra = lines.filter((l) => l.text.startsWith('Also granted'));
    expect(extra.map(formatCheckLine)).to.deep.equal([
      '⚠ Also granted, not used by the bot: Mail.ReadWrite, Sites.Read.All\n    hint: Remove them from the app registration’s API permissions unless something else uses this app (least privilege).',
    ]);
  });
});
