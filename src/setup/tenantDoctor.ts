/**
 * The setup check's look at the school's tenant, read-only: a Graph token (whose `roles` claim lists the
 * permissions granted), then at once the registration report, every group the policy names, the app in the
 * org catalog and the sender mailbox. Every call has the configured timeout and at most one retry, and one
 * failure never stops the others: the admin sees every problem in one run.
 */
import pLimit from 'p-limit';
import type { AppConfig } from '../config/env';
import { createGraphDirectory } from '../adapters/graph/createGraphDirectory';
import { graphCredential, GRAPH_SCOPE, isGraphTimeout } from '../adapters/graph/graphClient';
import { GraphRequestError } from '../adapters/graph/graphRequests';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import { ok, warn, type CheckLine, type GraphAnswer } from '../domain/setup/checkLine';
import { adminConsentUrl, permissionChecks, rolesInAccessToken } from '../domain/setup/graphPermissions';
import { policyGroupRefs } from '../domain/setup/policyChecks';
import {
  catalogCheck,
  groupChecks,
  itAppCheck,
  mailboxCheck,
  reportCheck,
  tokenFailureCheck,
  type CatalogState,
  type ItAppState,
  type TenantContext,
} from '../domain/setup/tenantChecks';
import type { Logger } from '../logging/logger';

/** The mailbox escalations are sent as, and the setting it comes from (as the bot picks it). */
export function senderMailboxOf(
  config: AppConfig,
  policy: SchoolPolicy,
): { address: string; setting: string } {
  if (config.senderMailbox) return { address: config.senderMailbox, setting: 'SENDER_MAILBOX' };
  if (config.serviceDeskMailbox)
    return { address: config.serviceDeskMailbox, setting: 'SERVICE_DESK_MAILBOX' };
  return { address: policy.support.mailbox, setting: 'support.mailbox in SCHOOL_CONFIG' };
}

/** Group look-ups at once: a school's policy names a dozen groups or so. */
const GROUP_LOOKUPS_AT_ONCE = 4;

function answerOf(error: unknown): GraphAnswer<never> {
  if (error instanceof GraphRequestError)
    return { kind: 'error', status: error.status, code: error.code, message: error.message };
  return { kind: 'error', status: 0, message: error instanceof Error ? error.message : String(error) };
}

export async function checkTenant(
  config: AppConfig,
  policy: SchoolPolicy,
  log: Logger,
): Promise<CheckLine[]> {
  const graph = config.graph!;
  const context: TenantContext = {
    tenantId: config.tenantId,
    clientId: graph.clientId,
    authorityHost: config.authorityHost,
    graphBaseUrl: config.graphBaseUrl,
    consentUrl: adminConsentUrl(config.authorityHost, config.tenantId, graph.clientId),
    policyPath: config.schoolConfigPath,
  };
  const credential = graphCredential({
    tenantId: config.tenantId,
    clientId: graph.clientId,
    clientSecret: graph.clientSecret,
    authorityHost: config.authorityHost,
    tokenTimeoutMs: config.graphRequestTimeoutMs,
  });
  let token: string;
  try {
    const issued = await credential.getToken(GRAPH_SCOPE);
    if (!issued) throw new Error('the sign-in service returned no token');
    token = issued.token;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [
      tokenFailureCheck(message, isGraphTimeout(error), context),
      warn(
        'Permissions, registration report, groups, Teams app and sender mailbox: not checked without a token',
      ),
    ];
  }

  const lines: CheckLine[] = [
    ok(`Graph token: issued to app ${graph.clientId} by tenant ${config.tenantId}`),
  ];
  const mailbox = senderMailboxOf(config, policy);
  const refs = policyGroupRefs(policy);
  const roles = rolesInAccessToken(token);
  if (roles) {
    lines.push(
      ...permissionChecks(roles, {
        features: {
          campaign: !!policy.campaign,
          catalogIdSet: !!config.nudges.catalogId,
          groupsNamed: refs.length > 0,
          temporaryAccessPass: policy.temporaryAccessPass.enabled,
        },
        consentUrl: context.consentUrl,
        clientId: graph.clientId,
        senderMailbox: mailbox.address,
      }),
    );
  } else {
    lines.push(
      warn(
        'Graph permissions: the token is not a readable JWT, so the permissions granted cannot be listed; the checks below still show what works',
      ),
    );
  }

  const parts = createGraphDirectory({
    tenantId: config.tenantId,
    clientId: graph.clientId,
    clientSecret: graph.clientSecret,
    credential,
    baseUrl: config.graphBaseUrl,
    authorityHost: config.authorityHost,
    requestTimeoutMs: config.graphRequestTimeoutMs,
    tokenTimeoutMs: config.graphRequestTimeoutMs,
    schoolDomains: policy.school.domains,
    log,
    // One retry, after at most 10 s: a check that waits minutes for a throttled tenant helps nobody.
    attempts: { interactive: 2, background: 2 },
    maxBackoffMs: 1000,
    maxRetryAfterMs: 10_000,
  });
  const ask = <T>(path: string, budgeted = false): Promise<GraphAnswer<T>> =>
    parts.requests
      .get<T>(path, { priority: 'interactive', budgeted })
      .then((body): GraphAnswer<T> => ({ kind: 'ok', body }), answerOf);
  try {
    const limit = pLimit(GROUP_LOOKUPS_AT_ONCE);
    const groups = new Map<string, Promise<GraphAnswer<{ displayName?: string | null }>>>();
    for (const ref of refs) {
      if (!groups.has(ref.id))
        groups.set(
          ref.id,
          limit(() => ask(`/groups/${encodeURIComponent(ref.id)}?$select=id,displayName`)),
        );
    }
    const catalog = catalogState(config, policy, ask);
    const [report, groupAnswers, catalogLooked, itApp, mailboxAnswer] = await Promise.all([
      ask('/reports/authenticationMethods/userRegistrationDetails?$top=1', true),
      Promise.all(refs.map((ref) => groups.get(ref.id)!)),
      catalog,
      itAppState(config, policy, ask),
      ask<{ id?: string; mail?: string | null }>(
        `/users/${encodeURIComponent(mailbox.address)}?$select=id,mail`,
      ),
    ]);
    lines.push(reportCheck(report, context));
    lines.push(...groupChecks(refs, groupAnswers, context));
    const catalogLine = catalogCheck(catalogLooked, context);
    if (catalogLine) lines.push(catalogLine);
    lines.push(itAppCheck(itApp, context));
    lines.push(mailboxCheck(mailbox, mailboxAnswer, context));
  } finally {
    parts.close();
  }
  return lines;
}

/** The app as the campaign's installer finds it: by manifest id, unless its catalog id is configured. */
async function catalogState(
  config: AppConfig,
  policy: SchoolPolicy,
  ask: <T>(path: string) => Promise<GraphAnswer<T>>,
): Promise<CatalogState> {
  if (!policy.campaign) return { kind: 'noCampaign' };
  const manifestId = config.nudges.teamsAppId;
  if (!manifestId) return { kind: 'noAppId' };
  if (config.nudges.catalogId) return { kind: 'catalogIdSet', catalogId: config.nudges.catalogId };
  const filter = encodeURIComponent(`externalId eq '${manifestId}'`);
  return { kind: 'lookedUp', manifestId, answer: await ask(`/appCatalogs/teamsApps?$filter=${filter}`) };
}

/** IT's view: its group, and its app (MFA Buddy IT) looked up in the org catalog by manifest id. */
async function itAppState(
  config: AppConfig,
  policy: SchoolPolicy,
  ask: <T>(path: string) => Promise<GraphAnswer<T>>,
): Promise<ItAppState> {
  if (!policy.groups.itStaff) return { kind: 'noItStaff' };
  const manifestId = config.tab.teamsAppId;
  if (!manifestId) return { kind: 'noAppId' };
  const filter = encodeURIComponent(`externalId eq '${manifestId}'`);
  return { kind: 'lookedUp', manifestId, answer: await ask(`/appCatalogs/teamsApps?$filter=${filter}`) };
}
