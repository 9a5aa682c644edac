/**
 * How the tenant's answers read to an IT admin: the token request, the registration report, the policy's
 * groups, the app in the org catalog and the sender mailbox, each turned into ✔, ⚠ or ✘ with the fix.
 */
import { fail, ok, warn, type CheckLine, type GraphAnswer } from './checkLine';

/** Graph's refusal when the tenant has no Entra ID P1/P2 (the registration report is a premium feature). */
export const NON_PREMIUM_CODE = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

/** What the fixes need to name: where things are configured, and the consent link. */
export interface TenantContext {
  tenantId: string;
  clientId: string;
  authorityHost: string;
  graphBaseUrl: string;
  consentUrl: string;
  /** The school policy file (SCHOOL_CONFIG, resolved). */
  policyPath: string;
}

/** A Graph refusal that names our own permissions rather than the thing asked about. */
function isPermissionRefusal(answer: { status: number; code?: string }): boolean {
  return (
    answer.status === 403 &&
    answer.code !== NON_PREMIUM_CODE &&
    /Authorization_RequestDenied|PermissionMissing|Forbidden|AccessDenied|InsufficientPrivileges/i.test(
      answer.code ?? 'Forbidden',
    )
  );
}

/** A failure to get any answer worth reading: a timeout, a network error, throttling, Graph's own errors. */
function unanswered(
  what: string,
  answer: { status: number; code?: string },
  context: TenantContext,
): CheckLine {
  const found =
    answer.status === 0
      ? 'Microsoft Graph did not answer in time'
      : `Microsoft Graph answered ${answer.status}${answer.code ? ` ${answer.code}` : ''}`;
  return fail(
    `${what}: could not be checked (${found})`,
    `Run npm run doctor again in a few minutes; if it persists, check Microsoft 365 service health and that this machine reaches ${context.graphBaseUrl} over HTTPS.`,
  );
}

function permissionRefused(
  what: string,
  permission: string,
  answer: { status: number; code?: string },
  context: TenantContext,
): CheckLine {
  return fail(
    `${what}: refused (${answer.status}${answer.code ? ` ${answer.code}` : ''}), so ${permission} is not granted`,
    `Add the Microsoft Graph application permission ${permission} to the app registration, then grant admin consent: ${context.consentUrl}`,
  );
}

/** The token request failed: which setting is wrong, from the sign-in service's AADSTS code. */
export function tokenFailureCheck(message: string, timedOut: boolean, context: TenantContext): CheckLine {
  const what = 'Graph token';
  if (timedOut) {
    return fail(
      `${what}: the sign-in service (${context.authorityHost}) did not answer in time`,
      `Check that this machine reaches ${context.authorityHost} over HTTPS (proxy, firewall, DNS).`,
    );
  }
  if (/AADSTS7000215/.test(message)) {
    return fail(
      `${what}: refused, the client secret is wrong (AADSTS7000215)`,
      'Create a new client secret on the app registration (Certificates & secrets) and put its Value, not its Secret ID, in GRAPH_CLIENT_SECRET.',
    );
  }
  if (/AADSTS7000222/.test(message)) {
    return fail(
      `${what}: refused, the client secret has expired (AADSTS7000222)`,
      'Create a new client secret on the app registration (Certificates & secrets) and put its Value in GRAPH_CLIENT_SECRET.',
    );
  }
  if (/AADSTS700016/.test(message)) {
    return fail(
      `${what}: refused, tenant ${context.tenantId} has no application ${context.clientId} (AADSTS700016)`,
      'Set GRAPH_CLIENT_ID to the Application (client) ID of the Graph app registration in the school’s tenant.',
    );
  }
  if (/AADSTS90002|AADSTS900023|AADSTS90013/.test(message)) {
    return fail(
      `${what}: refused, tenant ${context.tenantId} was not found`,
      'Set TENANT_ID to the Tenant ID shown on the Overview page of the Microsoft Entra admin centre.',
    );
  }
  const first = (message.split('\n')[0] ?? '').slice(0, 200);
  return fail(
    `${what}: not obtained (${first})`,
    'Check GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET and TENANT_ID against the app registration in the Microsoft Entra admin centre.',
  );
}

/** `GET /reports/authenticationMethods/userRegistrationDetails?$top=1`: readable only with Entra ID P1/P2. */
export function reportCheck(answer: GraphAnswer<unknown>, context: TenantContext): CheckLine {
  const what = 'Registration report';
  if (answer.kind === 'ok') return ok(`${what}: readable (the tenant has Entra ID P1 or P2)`);
  if (answer.code === NON_PREMIUM_CODE) {
    return fail(
      `${what}: refused, the tenant has no Microsoft Entra ID P1 or P2 (${NON_PREMIUM_CODE}); status and campaigns then need one live look per person, 5 every 10 seconds (about 3,600 people an hour)`,
      'License Microsoft Entra ID P1 or P2 for the tenant (Microsoft 365 A3 and A5 include it), or accept the slower per-person checks.',
    );
  }
  if (isPermissionRefusal(answer)) return permissionRefused(what, 'AuditLog.Read.All', answer, context);
  return unanswered(what, answer, context);
}

/** One group id of the policy, with the key it sits under (`groups.serviceDesk`, `campaign.targets.groups[0]`). */
export interface PolicyGroupRef {
  key: string;
  id: string;
  /** The name the policy gives it (campaign groups have one). */
  name?: string;
}

/** The demo school's group ids (the sample policy's): `5a00000a-0000-4000-8000-…`. */
const DEMO_GROUP_ID = /^5a00000a-0000-4000-8000-/i;

/** `GET /groups/{id}?$select=id,displayName` for one group the policy names. */
export function groupCheck(
  ref: PolicyGroupRef,
  answer: GraphAnswer<{ displayName?: string | null }>,
  context: TenantContext,
): CheckLine {
  const what = `${ref.key}${ref.name ? ` "${ref.name}"` : ''}`;
  if (answer.kind === 'ok') {
    return ok(`${what}: group "${answer.body.displayName ?? '(no name)'}" (${ref.id})`);
  }
  if (answer.status === 404) {
    const demo = DEMO_GROUP_ID.test(ref.id) ? ', and this id is the sample school’s' : '';
    return fail(
      `${what}: no group with id ${ref.id} in this tenant${demo}`,
      `Put the Object ID of the right Entra group (Microsoft Entra admin centre, Groups, the group’s Overview) in ${ref.key} in ${context.policyPath}.`,
    );
  }
  if (isPermissionRefusal(answer)) return permissionRefused(what, 'GroupMember.Read.All', answer, context);
  return unanswered(what, answer, context);
}

/**
 * One line per group the policy names; when Graph refused every one for want of the permission, one line for
 * them all (the same fix eleven times over would hide the other problems).
 */
export function groupChecks(
  refs: readonly PolicyGroupRef[],
  answers: readonly GraphAnswer<{ displayName?: string | null }>[],
  context: TenantContext,
): CheckLine[] {
  const refused = answers.filter((a) => a.kind === 'error' && isPermissionRefusal(a));
  if (refs.length > 1 && refused.length === refs.length) {
    const first = refused[0] as { status: number; code?: string };
    return [permissionRefused(`The policy's ${refs.length} groups`, 'GroupMember.Read.All', first, context)];
  }
  return refs.map((ref, i) => groupCheck(ref, answers[i]!, context));
}

/** The Teams app as a campaign installs it: by its manifest id in the org catalog. */
export type CatalogState =
  | { kind: 'noCampaign' }
  | { kind: 'noAppId' }
  | { kind: 'catalogIdSet'; catalogId: string }
  | {
      kind: 'lookedUp';
      manifestId: string;
      answer: GraphAnswer<{ value?: { id: string; displayName?: string; distributionMethod?: string }[] }>;
    };

export function catalogCheck(state: CatalogState, context: TenantContext): CheckLine | undefined {
  const what = 'Teams app in the org catalog';
  switch (state.kind) {
    case 'noCampaign':
      return undefined;
    case 'noAppId':
      return fail(
        `${what}: TEAMS_APP_ID is not set, so the campaign cannot install the app for people who never opened it, and they get no reminder`,
        'Set TEAMS_APP_ID to the app’s manifest id (TEAMS_APP_ID in env/.env.<environment>, written when the app was provisioned).',
      );
    case 'catalogIdSet':
      return warn(
        `${what}: TEAMS_APP_CATALOG_ID is set (${state.catalogId}), so the bot does not look the app up and neither does this check`,
      );
    case 'lookedUp': {
      const { answer, manifestId } = state;
      if (answer.kind === 'ok') {
        const app = answer.body.value?.[0];
        if (app) return ok(`${what}: "${app.displayName ?? manifestId}" (manifest id ${manifestId})`);
        return fail(
          `${what}: no app with manifest id ${manifestId} (TEAMS_APP_ID)`,
          'Upload the app package (npm run package) in the Teams admin centre under Teams apps, Manage apps, Upload new app, and check that TEAMS_APP_ID is the id in its manifest.',
        );
      }
      if (isPermissionRefusal(answer)) return permissionRefused(what, 'AppCatalog.Read.All', answer, context);
      return unanswered(what, answer, context);
    }
  }
}

/** Where IT's view stands: who it is for, and the app that carries its tab. */
export type ItAppState =
  | { kind: 'noItStaff' }
  | { kind: 'noAppId' }
  | {
      kind: 'lookedUp';
      manifestId: string;
      answer: GraphAnswer<{ value?: { id: string; displayName?: string }[] }>;
    };

/**
 * IT's view: `groups.itStaff` names who sees it, and MFA Buddy IT (TEAMS_IT_APP_ID) carries its tab. Who may
 * add that app is set in the Teams admin centre, which Graph does not show: the line says where.
 */
export function itAppCheck(state: ItAppState, context: TenantContext): CheckLine {
  const what = 'IT’s view (the progress tab and `progress` in chat)';
  switch (state.kind) {
    case 'noItStaff':
      return warn(
        `${what}: the policy has no groups.itStaff, so nobody sees the school’s figures`,
        `Set groups.itStaff in ${context.policyPath ?? 'SCHOOL_CONFIG'} to the object id of the IT staff group.`,
      );
    case 'noAppId':
      return warn(
        `${what}: TEAMS_IT_APP_ID is not set, so the progress card has no button to the tab`,
        'Set TEAMS_IT_APP_ID to the id in appPackage/it/manifest.json (written to env/.env.<environment> when the apps were provisioned).',
      );
    case 'lookedUp': {
      const { answer, manifestId } = state;
      const app = answer.kind === 'ok' ? answer.body.value?.[0] : undefined;
      if (app)
        return ok(
          `${what}: "${app.displayName ?? manifestId}" is in the org catalog (manifest id ${manifestId}); make it available to the IT staff group only in the Teams admin centre (Manage apps, the app, Users and groups), which this check cannot see`,
        );
      if (answer.kind === 'ok')
        return warn(
          `${what}: no app with manifest id ${manifestId} (TEAMS_IT_APP_ID) in the org catalog`,
          'Upload appPackage-it.<environment>.zip (npm run package) in the Teams admin centre under Teams apps, Manage apps, Upload new app, and make it available to the IT staff group only.',
        );
      // AppCatalog.Read.All is optional (not needed with TEAMS_APP_CATALOG_ID): without it, this is only said.
      if (isPermissionRefusal(answer))
        return { ...permissionRefused(what, 'AppCatalog.Read.All', answer, context), status: 'warn' };
      return { ...unanswered(what, answer, context), status: 'warn' };
    }
  }
}

/** `GET /users/{mailbox}?$select=id,mail`: the mailbox escalations are sent as. */
export function mailboxCheck(
  mailbox: { address: string; setting: string },
  answer: GraphAnswer<{ id?: string; mail?: string | null }>,
  context: TenantContext,
): CheckLine {
  const what = `Sender mailbox ${mailbox.address} (${mailbox.setting})`;
  if (answer.kind === 'ok') {
    if (answer.body.mail) return ok(`${what}: exists and has a mailbox`);
    return fail(
      `${what}: the user exists but has no mailbox, so escalation mail cannot be sent from it`,
      `Give ${mailbox.address} an Exchange Online mailbox (a shared mailbox needs no licence), or set SENDER_MAILBOX to one that has.`,
    );
  }
  if (answer.status === 404) {
    return fail(
      `${what}: no user with that user principal name in this tenant`,
      `Set ${mailbox.setting} to the user principal name of the service desk’s mailbox (a shared mailbox has one too: Microsoft Entra admin centre, Users).`,
    );
  }
  if (isPermissionRefusal(answer)) return permissionRefused(what, 'User.Read.All', answer, context);
  return unanswered(what, answer, context);
}
