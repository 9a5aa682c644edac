/**
 * Which Microsoft Graph application permissions the configured features need, read against the `roles`
 * claim of the app's own access token. A broader permission that Graph also accepts counts, with a warning
 * (least privilege); a needed one that is missing fails, with the admin consent link as the fix.
 */
import { fail, ok, warn, type CheckLine } from './checkLine';

/** What the configuration switches on, as far as permissions are concerned. */
export interface ConfiguredFeatures {
  /** The policy has a `campaign` section. */
  campaign: boolean;
  /** TEAMS_APP_CATALOG_ID is set (the app is not looked up in the catalog). */
  catalogIdSet: boolean;
  /** The policy names at least one group (the desk, IT staff, or a campaign's groups). */
  groupsNamed: boolean;
  /** The policy switches on the desk's Temporary Access Pass. */
  temporaryAccessPass: boolean;
}

export interface PermissionNeed {
  permission: string;
  /** What the bot uses it for, in an admin's words. */
  feature: string;
  /** Other application permissions Graph accepts for the same calls (they grant more). */
  broader: readonly string[];
  /** Why it is not needed with this configuration; absent when it is needed. */
  notNeeded?: string;
}

const DIRECTORY_READ = ['Directory.Read.All', 'Directory.ReadWrite.All'];

/** Every permission the bot may ask for, with what it is for; `notNeeded` depends on the configuration. */
export function permissionNeeds(features: ConfiguredFeatures): PermissionNeed[] {
  return [
    {
      permission: 'AuditLog.Read.All',
      feature: 'the registration report: everyone’s status at once, campaign planning',
      broader: [],
    },
    {
      permission: 'UserAuthenticationMethod.Read.All',
      feature: 'live checks of one person’s methods ("I’ve done it")',
      broader: ['UserAuthenticationMethod.ReadWrite.All'],
    },
    {
      permission: 'UserAuthenticationMethod.ReadWrite.All',
      feature: 'the desk’s Temporary Access Pass (optional)',
      broader: [],
      notNeeded: features.temporaryAccessPass ? undefined : 'temporaryAccessPass is off in the policy',
    },
    {
      permission: 'User.Read.All',
      feature: 'users by id or UPN: the desk’s mail and checks, campaign members',
      broader: ['User.ReadWrite.All', ...DIRECTORY_READ],
    },
    {
      permission: 'GroupMember.Read.All',
      feature: 'group membership: the service desk, IT staff and the campaign’s groups',
      broader: ['Group.Read.All', 'Group.ReadWrite.All', ...DIRECTORY_READ],
      notNeeded: features.groupsNamed ? undefined : 'the policy names no group',
    },
    {
      permission: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
      feature: 'installing the app for people a campaign cannot reach yet',
      broader: [
        'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
        'TeamsAppInstallation.ReadWriteForUser.All',
        'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
      ],
      notNeeded: features.campaign ? undefined : 'the policy has no campaign',
    },
    {
      permission: 'AppCatalog.Read.All',
      feature: 'finding the app in the org catalog for those installs',
      broader: ['AppCatalog.ReadWrite.All', ...DIRECTORY_READ],
      notNeeded: !features.campaign
        ? 'the policy has no campaign'
        : features.catalogIdSet
          ? 'TEAMS_APP_CATALOG_ID is set'
          : undefined,
    },
  ];
}

/** The admin consent link for the app: it grants every permission configured on the app registration. */
export function adminConsentUrl(authorityHost: string, tenantId: string, clientId: string): string {
  return `${authorityHost.replace(/\/+$/, '')}/${tenantId}/adminconsent?client_id=${clientId}`;
}

/**
 * The `roles` claim of an access token (a JWT: the payload is read, the signature is not checked, which is
 * fine for a token we were just given by the sign-in service). Entra leaves the claim out when nothing is
 * granted. Undefined when the token is not a readable JWT.
 */
export function rolesInAccessToken(token: string): string[] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (typeof payload !== 'object' || payload === null) return undefined;
    const roles = (payload as { roles?: unknown }).roles;
    if (roles === undefined) return [];
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) return undefined;
    return roles;
  } catch {
    return undefined;
  }
}

export interface PermissionContext {
  features: ConfiguredFeatures;
  /** The admin consent link (see adminConsentUrl). */
  consentUrl: string;
  /** GRAPH_CLIENT_ID, for the Exchange command that scopes Mail.Send. */
  clientId: string;
  /** The mailbox escalations are sent from. */
  senderMailbox: string;
}

/** One line per permission the bot may use, Mail.Send's, and one for granted permissions nothing uses. */
export function permissionChecks(roles: readonly string[], context: PermissionContext): CheckLine[] {
  const granted = new Set(roles);
  const used = new Set<string>();
  const lines: CheckLine[] = [];
  const needs = permissionNeeds(context.features);
  // A broader permission another feature needs anyway costs nothing more (ReadWrite for the pass covers reads).
  const neededAnyway = new Set(needs.filter((n) => !n.notNeeded).map((n) => n.permission));
  for (const need of needs) {
    const direct = granted.has(need.permission);
    const covering = need.broader.filter((p) => granted.has(p));
    if (need.notNeeded) {
      if (!direct) lines.push(ok(`${need.permission}: not needed (${need.notNeeded})`));
      else
        lines.push(
          warn(
            `${need.permission}: granted but not needed (${need.notNeeded})`,
            `Remove ${need.permission} from the app registration’s API permissions (least privilege).`,
          ),
        );
      if (direct) used.add(need.permission);
      continue;
    }
    const coveringNeeded = covering.filter((p) => neededAnyway.has(p));
    if (direct) {
      used.add(need.permission);
      lines.push(ok(`${need.permission}: granted (${need.feature})`));
    } else if (coveringNeeded.length > 0) {
      lines.push(
        ok(
          `${need.permission}: covered by ${coveringNeeded.join(' and ')}, which the bot needs anyway (${need.feature})`,
        ),
      );
    } else if (covering.length > 0) {
      covering.forEach((p) => used.add(p));
      lines.push(
        warn(
          `${need.permission}: covered by ${covering.join(' and ')}, which grants more than the bot needs (${need.feature})`,
          `Least privilege: grant ${need.permission} and remove ${covering.join(' and ')} if nothing else on this app registration needs it.`,
        ),
      );
    } else {
      lines.push(
        fail(
          `${need.permission}: missing, so ${need.feature} will fail`,
          `Add the Microsoft Graph application permission ${need.permission} to the app registration (API permissions), then grant admin consent: ${context.consentUrl}`,
        ),
      );
    }
  }
  lines.push(mailSendCheck(granted.has('Mail.Send'), context));
  used.add('Mail.Send');
  const unused = roles.filter((r) => !used.has(r));
  if (unused.length > 0) {
    lines.push(
      warn(
        `Also granted, not used by the bot: ${unused.join(', ')}`,
        'Remove them from the app registration’s API permissions unless something else uses this app (least privilege).',
      ),
    );
  }
  return lines;
}

/**
 * Mail.Send is best granted through Exchange Online RBAC for Applications, scoped to the desk mailbox: that
 * grant is not in the token, and an Entra grant (which is) lets the app send as anyone. So neither answer
 * is a failure, and neither says everything.
 */
function mailSendCheck(inToken: boolean, context: PermissionContext): CheckLine {
  const mailbox = context.senderMailbox;
  if (inToken) {
    return warn(
      `Mail.Send: granted in Entra ID, so escalation mail from ${mailbox} can go; an Entra grant lets the app send as any mailbox, and whether an application access policy narrows it cannot be seen from here`,
      `Least privilege: remove Mail.Send from the app registration and assign Exchange Online’s "Application Mail.Send" role to the app with a management scope holding only ${mailbox} (RBAC for Applications).`,
    );
  }
  return warn(
    `Mail.Send: not in the token, which is right when Exchange Online RBAC for Applications grants it for ${mailbox} only; that grant cannot be seen from here, and without it escalation mail fails`,
    `If it is not done yet, in Exchange Online PowerShell run New-ManagementRoleAssignment -App ${context.clientId} -Role "Application Mail.Send" -CustomResourceScope <a management scope holding only ${mailbox}> (after New-ServicePrincipal for the app).`,
  );
}
