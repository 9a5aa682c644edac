/**
 * The Directory on Microsoft Graph, app-only. Bulk status comes from the registration report
 * (userRegistrationDetails: paged, filtered on Graph's side, needs Entra ID P1), never from one call per
 * user; the per-user methods list is for live checks. A tenant without P1 is detected on the first
 * report call and from then on served from per-user methods, with a warning in the log.
 *
 * Permissions (application): User.Read.All, GroupMember.Read.All, AuditLog.Read.All,
 * UserAuthenticationMethod.Read.All.
 */
import {
  kindOfReportMethod,
  microsoftVerdicts,
  reportMethodNameOf,
  type RegisteredMethod,
} from '../../domain/registration/methods';
import { matchesReportFilter } from '../reportFilter';
import type { Logger } from '../../logging/logger';
import {
  DirectoryUnavailableError,
  type Directory,
  type DirectoryCallOptions,
  type DirectoryUser,
  type LiveMethods,
  type RegistrationDetails,
  type RegistrationReportFilter,
  ReportUnavailableError,
} from '../../ports/directory';
import { methodFromGraph, type GraphAuthenticationMethod } from './graphMethods';
import { GraphRequestError, type GraphRequester } from './graphRequests';
import { NON_PREMIUM_CODE } from '../../domain/setup/tenantChecks';

const USER_FIELDS = 'id,displayName,givenName,userPrincipalName,department,jobTitle,accountEnabled,userType';
/** Largest page the report and the users list hand out. */
const PAGE_SIZE = 999;
const REPORT_PATH = '/reports/authenticationMethods/userRegistrationDetails';

interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

interface GraphUser {
  id: string;
  displayName?: string | null;
  givenName?: string | null;
  userPrincipalName?: string | null;
  department?: string | null;
  jobTitle?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
}

interface GraphReportRow {
  id: string;
  isMfaRegistered?: boolean;
  isSsprRegistered?: boolean;
  methodsRegistered?: string[];
  userType?: string;
  lastUpdatedDateTime?: string;
}

export interface GraphDirectoryDeps {
  requests: GraphRequester;
  /** The school's mail domains: an email method on one of them is flagged, never returned. */
  schoolDomains: readonly string[];
  log: Logger;
  now?: () => Date;
}

function userTypeOf(value: string | null | undefined): DirectoryUser['userType'] {
  const v = (value ?? '').toLowerCase();
  return v === 'member' || v === 'guest' ? v : 'unknown';
}

function toUser(u: GraphUser): DirectoryUser {
  return {
    id: u.id.toLowerCase(),
    displayName: u.displayName ?? '',
    givenName: u.givenName ?? undefined,
    userPrincipalName: u.userPrincipalName ?? '',
    department: u.department ?? undefined,
    jobTitle: u.jobTitle ?? undefined,
    accountEnabled: u.accountEnabled ?? true,
    userType: userTypeOf(u.userType),
  };
}

function toDetails(row: GraphReportRow): RegistrationDetails {
  const methods: RegisteredMethod[] = (row.methodsRegistered ?? []).map((name) => {
    const kind = kindOfReportMethod(name);
    // The report names the email method but never shows the address.
    return kind === 'email' ? { kind: 'email' } : { kind };
  });
  return {
    userId: row.id.toLowerCase(),
    methods,
    isMfaRegistered: row.isMfaRegistered ?? false,
    isSsprRegistered: row.isSsprRegistered ?? false,
    userType: userTypeOf(row.userType),
    lastUpdated: row.lastUpdatedDateTime ?? new Date(0).toISOString(),
    source: 'report',
  };
}

/** OData text for a quoted string literal. */
function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The `$filter` expression for a report filter, or undefined when there is nothing to filter. */
export function reportFilterExpression(filter: RegistrationReportFilter = {}): string | undefined {
  const parts: string[] = [];
  if (filter.isMfaRegistered !== undefined) parts.push(`isMfaRegistered eq ${filter.isMfaRegistered}`);
  if (filter.isSsprRegistered !== undefined) parts.push(`isSsprRegistered eq ${filter.isSsprRegistered}`);
  if (filter.userType) parts.push(`userType eq ${quoted(filter.userType)}`);
  if (filter.methodRegistered)
    parts.push(`methodsRegistered/any(m:m eq ${quoted(reportMethodNameOf(filter.methodRegistered))})`);
  if (filter.userPrincipalNameStartsWith)
    parts.push(`startswith(userPrincipalName,${quoted(filter.userPrincipalNameStartsWith)})`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

export class GraphDirectory implements Directory {
  readonly kind = 'graph' as const;
  /** False once Graph has said the tenant has no P1: the report is not asked again. */
  private reportAvailable = true;

  constructor(private readonly deps: GraphDirectoryDeps) {}

  /** Whether the report is usable (false in a tenant without Entra ID P1/P2). */
  get hasReport(): boolean {
    return this.reportAvailable;
  }

  async getUser(userId: string, options?: DirectoryCallOptions): Promise<DirectoryUser | undefined> {
    return this.userAt(`/users/${encodeURIComponent(userId)}`, options);
  }

  async findUserByUpn(upn: string, options?: DirectoryCallOptions): Promise<DirectoryUser | undefined> {
    // A UPN is a key of /users; quoting in parentheses keeps one starting with '$' from reading as a segment.
    return this.userAt(`/users('${encodeURIComponent(upn.replace(/'/g, "''"))}')`, options);
  }

  async isTransitiveMemberOf(
    userId: string,
    groupId: string,
    options?: DirectoryCallOptions,
  ): Promise<boolean> {
    try {
      const answer = await this.deps.requests.post<{ value?: string[] }>(
        `/users/${encodeURIComponent(userId)}/checkMemberGroups`,
        { groupIds: [groupId] },
        this.call(options, false),
      );
      return (answer?.value ?? []).some((id) => id.toLowerCase() === groupId.toLowerCase());
    } catch (error) {
      if (error instanceof GraphRequestError && error.status === 404) return false;
      throw this.unavailable('group membership', error);
    }
  }

  async *transitiveMembers(groupId: string, options?: DirectoryCallOptions): AsyncIterable<DirectoryUser[]> {
    const first = `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=${USER_FIELDS}&$top=${PAGE_SIZE}`;
    for await (const page of this.pages<GraphUser>(first, options, false)) yield page.map(toUser);
  }

  async registrationDetails(
    userId: string,
    options?: DirectoryCallOptions,
  ): Promise<RegistrationDetails | undefined> {
    if (this.reportAvailable) {
      try {
        const row = await this.deps.requests.get<GraphReportRow>(
          `${REPORT_PATH}/${encodeURIComponent(userId)}`,
          this.call(options, true),
        );
        return toDetails(row);
      } catch (error) {
        if (error instanceof GraphRequestError && error.status === 404) return undefined;
        if (!this.noteNonPremium(error)) throw this.unavailable('the registration report', error);
      }
    }
    const live = await this.liveMethods(userId, options);
    return live && this.detailsFromLive(live);
  }

  async *registrationReport(
    filter: RegistrationReportFilter = {},
    options?: DirectoryCallOptions & { fallbackToLive?: boolean },
  ): AsyncIterable<RegistrationDetails[]> {
    if (this.reportAvailable) {
      const expression = reportFilterExpression(filter);
      const first = `${REPORT_PATH}?$top=${PAGE_SIZE}${expression ? `&$filter=${encodeURIComponent(expression)}` : ''}`;
      try {
        for await (const page of this.pages<GraphReportRow>(first, options, true)) yield page.map(toDetails);
        return;
      } catch (error) {
        // Only a refusal on the very first page falls back; a failure mid-way is a failure.
        if (!this.noteNonPremium(error)) throw error;
      }
    }
    if (options?.fallbackToLive === false) throw new ReportUnavailableError();
    yield* this.reportFromLiveMethods(filter, options);
  }

  async liveMethods(userId: string, options?: DirectoryCallOptions): Promise<LiveMethods | undefined> {
    const methods: RegisteredMethod[] = [];
    try {
      const first = `/users/${encodeURIComponent(userId)}/authentication/methods`;
      for await (const page of this.pages<GraphAuthenticationMethod>(first, options, true)) {
        for (const m of page) methods.push(methodFromGraph(m, this.deps.schoolDomains));
      }
    } catch (error) {
      if (error instanceof DirectoryUnavailableError && (error.cause as GraphRequestError)?.status === 404)
        return undefined;
      throw error;
    }
    return {
      userId: userId.toLowerCase(),
      methods,
      checkedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      includesSecurityQuestions: false,
    };
  }

  /**
   * The tenant's user ids, a page of 999 at a time (`/users?$select=id`, not an identity report: outside the
   * reports budget), intersected with `userIds`. A school's tenant is a few pages, whatever the number asked
   * about, and this needs only User.Read.All, which the bot has already (`directoryObjects/getByIds` would
   * need Directory.Read.All). Any page that fails fails the whole call.
   */
  async existingUserIds(userIds: string[], options?: DirectoryCallOptions): Promise<Set<string>> {
    const wanted = new Set(userIds.map((id) => id.toLowerCase()));
    const found = new Set<string>();
    if (wanted.size === 0) return found;
    for await (const page of this.pages<{ id: string }>(
      `/users?$select=id&$top=${PAGE_SIZE}`,
      options,
      false,
    )) {
      for (const user of page) {
        const id = user.id.toLowerCase();
        if (wanted.has(id)) found.add(id);
      }
    }
    return found;
  }

  /** Without P1: every user's live methods, one budgeted call each (slow, and said so in the log). */
  private async *reportFromLiveMethods(
    filter: RegistrationReportFilter,
    options?: DirectoryCallOptions,
  ): AsyncIterable<RegistrationDetails[]> {
    this.deps.log.warn(
      'registration report unavailable (no Entra ID P1): building it from one live look per user, at 5 per 10 s',
    );
    const first = `/users?$select=${USER_FIELDS}&$top=${PAGE_SIZE}`;
    for await (const users of this.pages<GraphUser>(first, options, false)) {
      const page: RegistrationDetails[] = [];
      for (const user of users) {
        const live = await this.liveMethods(user.id, options);
        if (!live) continue;
        const details = { ...this.detailsFromLive(live), userType: userTypeOf(user.userType) };
        if (matchesReportFilter(details, user.userPrincipalName ?? '', filter)) page.push(details);
      }
      if (page.length > 0) yield page;
    }
  }

  /** A report-like row from a live look, with Microsoft's verdicts worked out from the methods. */
  private detailsFromLive(live: LiveMethods): RegistrationDetails {
    return {
      userId: live.userId,
      methods: live.methods,
      ...microsoftVerdicts(live.methods),
      userType: 'unknown',
      lastUpdated: live.checkedAt,
      source: 'live',
    };
  }

  private async userAt(path: string, options?: DirectoryCallOptions): Promise<DirectoryUser | undefined> {
    try {
      const user = await this.deps.requests.get<GraphUser>(
        `${path}?$select=${USER_FIELDS}`,
        this.call(options, false),
      );
      return toUser(user);
    } catch (error) {
      if (error instanceof GraphRequestError && error.status === 404) return undefined;
      throw this.unavailable('a user', error);
    }
  }

  /** Follows @odata.nextLink from `first` to the end, one page per yield. */
  private async *pages<T>(first: string, options: DirectoryCallOptions | undefined, budgeted: boolean) {
    let next: string | undefined = first;
    while (next) {
      let page: GraphPage<T>;
      try {
        page = await this.deps.requests.get<GraphPage<T>>(next, this.call(options, budgeted));
      } catch (error) {
        if (error instanceof GraphRequestError && error.code === NON_PREMIUM_CODE) throw error;
        throw this.unavailable('a list', error);
      }
      yield page.value ?? [];
      next = page['@odata.nextLink'];
    }
  }

  private call(options: DirectoryCallOptions | undefined, budgeted: boolean) {
    return { priority: options?.priority ?? 'background', signal: options?.signal, budgeted };
  }

  /** True (and remembered, and logged once) when `error` is Graph's "no P1" refusal. */
  private noteNonPremium(error: unknown): boolean {
    if (!(error instanceof GraphRequestError) || error.code !== NON_PREMIUM_CODE) return false;
    if (this.reportAvailable) {
      this.reportAvailable = false;
      this.deps.log.warn(
        { code: NON_PREMIUM_CODE },
        'tenant has no Entra ID P1/P2: the registration report is unavailable; falling back to per-user methods',
      );
    }
    return true;
  }

  private unavailable(what: string, error: unknown): DirectoryUnavailableError {
    if (error instanceof DirectoryUnavailableError) return error;
    const status = error instanceof GraphRequestError ? error.status : undefined;
    return new DirectoryUnavailableError(
      `Graph could not return ${what} (status ${status ?? 'none'})`,
      error,
    );
  }
}
