/**
 * A Microsoft Graph stand-in for the directory: users (with or without a mailbox), groups (by id, transitive
 * members, checkMemberGroups), the registration report (userRegistrationDetails: paging with @odata.nextLink, `$filter`, `$top`), per-user
 * authentication methods, the no-P1 refusal, and the identity-reports budget (429 + Retry-After over 5
 * requests per 10 s, counted as violations). Built on `startGraphTenant` (HTTPS + token endpoint).
 *
 * Every route checks the token and, as Graph does, the application permission it needs (403 without it;
 * tokens carry `roles`, all of the bot's permissions unless a test grants fewer).
 *
 * Other features add their routes next to these with `route()` (token check, permission, optional budget).
 */
import crypto from 'node:crypto';
import type { StandInRequest, StandInResponse } from '../standInServer';
import { requireToken, startGraphTenant, type GraphTenant, type RoleRequirement } from '../graphTenant';
import type { AppCredentials } from '../tokenEndpoint';
import { reportNameOf, type GraphMethodJson } from './methodShapes';
import { ReportsBudgetEnforcer } from './reportsBudget';

export interface StandInUser {
  id: string;
  displayName: string;
  givenName?: string;
  userPrincipalName: string;
  department?: string;
  jobTitle?: string;
  accountEnabled?: boolean;
  userType?: 'Member' | 'Guest';
  /** What the methods API returns now. */
  methods: GraphMethodJson[];
  /** Security questions: in the report only (the methods API does not list them). */
  securityQuestions?: boolean;
  /** The primary SMTP address; null for a user without a mailbox. Default: the UPN. */
  mail?: string | null;
}

/**
 * Which application permissions each kind of Graph call accepts (the least-privileged one first), from
 * Graph's API reference pages.
 */
export const PERMISSIONS = {
  users: { roles: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] },
  groups: {
    roles: [
      'GroupMember.Read.All',
      'Group.Read.All',
      'Group.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
  },
  report: {
    roles: ['AuditLog.Read.All'],
    code: 'Authentication_MSGraphPermissionMissing',
    message: 'Calling principal does not have required MSGraph permissions AuditLog.Read.All',
  },
  methods: { roles: ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'] },
  /** Creating a method (a Temporary Access Pass) needs the write permission; nothing narrower exists. */
  writeMethods: { roles: ['UserAuthenticationMethod.ReadWrite.All'] },
  appCatalog: {
    roles: [
      'AppCatalog.Read.All',
      'AppCatalog.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
  },
  installedApps: {
    roles: [
      'TeamsAppInstallation.ReadWriteSelfForUser.All',
      'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
      'TeamsAppInstallation.ReadWriteForUser.All',
      'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
    ],
  },
} satisfies Record<string, RoleRequirement>;

interface ReportRow {
  id: string;
  userPrincipalName: string;
  userDisplayName: string;
  userType: string;
  isAdmin: boolean;
  isMfaRegistered: boolean;
  isMfaCapable: boolean;
  isSsprRegistered: boolean;
  isSsprEnabled: boolean;
  isSsprCapable: boolean;
  isPasswordlessCapable: boolean;
  isSystemPreferredAuthenticationMethodEnabled: boolean;
  systemPreferredAuthenticationMethods: string[];
  userPreferredMethodForSecondaryAuthentication: string;
  methodsRegistered: string[];
  lastUpdatedDateTime: string;
}

export interface GraphStandInOptions {
  /** False for a tenant without Entra ID P1/P2: report endpoints answer 403. */
  premium?: boolean;
  /** Report page size when the caller sends no `$top` (and the largest `$top` honoured is `maxPageSize`). */
  defaultPageSize?: number;
  maxPageSize?: number;
  app?: AppCredentials;
  /** The identity-reports throttle (Graph: 5 per 10,000 ms); tests shrink the window to stay fast. */
  reportsBudget?: { limit: number; windowMs: number };
  /** Application permissions granted (the tokens' `roles`); default every one the bot asks for. */
  roles?: readonly string[];
}

const STRONG = new Set([
  'microsoftAuthenticatorPush',
  'mobilePhone',
  'alternateMobilePhone',
  'officePhone',
  'passKeyDeviceBound',
  'passKeyDeviceBoundAuthenticator',
  'softwareOneTimePasscode',
  'hardwareOneTimePasscode',
  'windowsHelloForBusiness',
  'macOsSecureEnclaveKey',
]);
const RESET = new Set([
  'microsoftAuthenticatorPush',
  'mobilePhone',
  'alternateMobilePhone',
  'officePhone',
  'email',
  'securityQuestion',
  'softwareOneTimePasscode',
  'hardwareOneTimePasscode',
]);

/** An error answer as Graph gives one (with its innerError); the stand-in's feature routes use it too. */
export function graphError(status: number, code: string, message: string): StandInResponse {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString(), 'request-id': crypto.randomUUID() },
      },
    },
  };
}

function encodeToken(state: object): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeToken<T>(token: string): T | undefined {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

type Predicate = (row: ReportRow) => boolean;

/** Parses the `$filter` subset userRegistrationDetails supports; undefined for anything else. */
export function parseReportFilter(expression: string): Predicate | undefined {
  const clauses = expression.split(/\s+and\s+/i);
  const predicates: Predicate[] = [];
  for (const raw of clauses) {
    const clause = raw.trim();
    let m =
      /^(isMfaRegistered|isMfaCapable|isSsprRegistered|isSsprEnabled|isSsprCapable|isAdmin|isPasswordlessCapable) eq (true|false)$/.exec(
        clause,
      );
    if (m) {
      const [, field, value] = m as unknown as [string, keyof ReportRow, string];
      predicates.push((r) => r[field] === (value === 'true'));
      continue;
    }
    m = /^userType eq '(member|guest)'$/i.exec(clause);
    if (m) {
      const value = m[1]!.toLowerCase();
      predicates.push((r) => r.userType === value);
      continue;
    }
    m = /^methodsRegistered\/any\((\w+):\s*\1 eq '([^']+)'\)$/.exec(clause);
    if (m) {
      const method = m[2]!;
      predicates.push((r) => r.methodsRegistered.includes(method));
      continue;
    }
    m = /^startswith\((userPrincipalName|userDisplayName),\s*'((?:[^']|'')*)'\)$/i.exec(clause);
    if (m) {
      const field = m[1]!.toLowerCase() === 'userprincipalname' ? 'userPrincipalName' : 'userDisplayName';
      const prefix = m[2]!.replace(/''/g, "'").toLowerCase();
      predicates.push((r) => r[field].toLowerCase().startsWith(prefix));
      continue;
    }
    m = /^userPrincipalName eq '((?:[^']|'')*)'$/i.exec(clause);
    if (m) {
      const upn = m[1]!.replace(/''/g, "'").toLowerCase();
      predicates.push((r) => r.userPrincipalName.toLowerCase() === upn);
      continue;
    }
    return undefined;
  }
  return (row) => predicates.every((p) => p(row));
}

export class GraphStandIn {
  readonly users = new Map<string, StandInUser>();
  /** Group id → member ids (users or groups). */
  readonly groups = new Map<string, string[]>();
  /** Group id → display name, for the groups that have one here (others get a made-up name). */
  readonly groupNames = new Map<string, string>();
  /** Report rows as the report last saw each user (it lags: `syncReport` catches it up). */
  private readonly report = new Map<string, ReportRow>();
  /** Each page of the registration report answered: when, and whether it began a read (no `$skiptoken`). */
  readonly reportPages: { at: number; first: boolean }[] = [];
  /** While set, each report page is answered only once it settles (a slow report, held by the test). */
  reportHeld?: Promise<void>;
  readonly budget: ReportsBudgetEnforcer;
  premium: boolean;
  private readonly defaultPageSize: number;
  private readonly maxPageSize: number;

  private constructor(
    readonly tenant: GraphTenant,
    options: GraphStandInOptions,
  ) {
    this.premium = options.premium ?? true;
    this.budget = new ReportsBudgetEnforcer(options.reportsBudget?.limit, options.reportsBudget?.windowMs);
    this.defaultPageSize = options.defaultPageSize ?? 100;
    this.maxPageSize = options.maxPageSize ?? 999;
    this.registerRoutes();
  }

  static async start(options: GraphStandInOptions = {}): Promise<GraphStandIn> {
    return new GraphStandIn(await startGraphTenant(options.app, options.roles), options);
  }

  /** Environment for a bot process (or an in-process Graph client) that should use this stand-in. */
  get env(): Record<string, string> {
    return this.tenant.env;
  }

  get url(): string {
    return this.tenant.server.url;
  }

  close(): Promise<void> {
    return this.tenant.close();
  }

  /**
   * Registers a Graph route (path below the origin, e.g. `/v1.0/users/:id/sendMail`) that needs a token,
   * and one of `permission`'s roles in it when given; `budgeted` routes count against the identity-reports
   * budget.
   */
  route(
    method: string,
    pattern: string,
    handler: (req: StandInRequest) => StandInResponse | Promise<StandInResponse>,
    options: { budgeted?: boolean; permission?: RoleRequirement } = {},
  ): this {
    this.tenant.server.route(
      method,
      pattern,
      requireToken(
        this.tenant.tokens,
        (req) => {
          if (options.budgeted) {
            const admitted = this.budget.admit();
            if (!admitted.ok) {
              return {
                ...graphError(429, 'TooManyRequests', 'Too many requests: identity reports budget exceeded.'),
                headers: { 'Retry-After': String(admitted.retryAfterSeconds) },
              };
            }
          }
          return handler(req);
        },
        options.permission,
      ),
    );
    return this;
  }

  /** Adds (or replaces) a group with its members (user or group ids) and its display name. */
  addGroup(id: string, members: string[], displayName?: string): this {
    const key = id.toLowerCase();
    this.groups.set(key, members);
    if (displayName) this.groupNames.set(key, displayName);
    return this;
  }

  /** Adds (or replaces) a user; the report sees them at once unless `inReport` is false. */
  addUser(user: StandInUser, options: { inReport?: boolean; reportUpdatedAt?: string } = {}): this {
    const stored = { ...user, id: user.id.toLowerCase() };
    this.users.set(stored.id, stored);
    if (options.inReport !== false) this.syncReport(stored.id, options.reportUpdatedAt);
    return this;
  }

  /** Changes what a user has registered now; the report does not see it until `syncReport`. */
  setMethods(userId: string, methods: GraphMethodJson[], securityQuestions?: boolean): void {
    const user = this.users.get(userId.toLowerCase());
    if (!user) throw new Error(`no stand-in user ${userId}`);
    user.methods = methods;
    if (securityQuestions !== undefined) user.securityQuestions = securityQuestions;
  }

  /** Brings the report row of one user (or all) up to date, as the report does hours later. */
  syncReport(userId?: string, updatedAt = new Date().toISOString()): void {
    const ids = userId ? [userId.toLowerCase()] : [...this.users.keys()];
    for (const id of ids) {
      const user = this.users.get(id);
      if (user) this.report.set(id, this.rowFor(user, updatedAt));
    }
  }

  /** Requests that reached a budgeted endpoint (reports and authentication methods). */
  budgetedRequests() {
    return this.tenant.server.requestsTo(/\/reports\/authenticationMethods|\/authentication\/methods/);
  }

  private rowFor(user: StandInUser, updatedAt: string): ReportRow {
    const names = [
      ...new Set([
        ...user.methods.map(reportNameOf).filter((n): n is string => !!n),
        ...(user.securityQuestions ? ['securityQuestion'] : []),
      ]),
    ];
    const strong = names.some((n) => STRONG.has(n));
    const reset = names.filter((n) => RESET.has(n)).length;
    return {
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      userDisplayName: user.displayName,
      userType: (user.userType ?? 'Member').toLowerCase(),
      isAdmin: false,
      isMfaRegistered: strong,
      isMfaCapable: strong,
      isSsprRegistered: reset >= 2,
      isSsprEnabled: true,
      isSsprCapable: reset >= 2,
      isPasswordlessCapable: names.some((n) => n.startsWith('passKey') || n === 'windowsHelloForBusiness'),
      isSystemPreferredAuthenticationMethodEnabled: true,
      systemPreferredAuthenticationMethods: names.includes('microsoftAuthenticatorPush') ? ['push'] : [],
      userPreferredMethodForSecondaryAuthentication: names.includes('microsoftAuthenticatorPush')
        ? 'push'
        : 'none',
      methodsRegistered: names,
      lastUpdatedDateTime: updatedAt,
    };
  }

  private userJson(user: StandInUser, select?: string | null) {
    const full: Record<string, unknown> = {
      id: user.id,
      displayName: user.displayName,
      givenName: user.givenName ?? null,
      surname: null,
      userPrincipalName: user.userPrincipalName,
      mail: user.mail !== undefined ? user.mail : user.userPrincipalName,
      department: user.department ?? null,
      jobTitle: user.jobTitle ?? null,
      accountEnabled: user.accountEnabled ?? true,
      userType: user.userType ?? 'Member',
    };
    if (!select) return full;
    const fields = select.split(',');
    return Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || fields.includes(k)));
  }

  /** A page of `items` from an offset, with a nextLink that carries the state in `$skiptoken`. */
  private page<T>(req: StandInRequest, items: T[], state: Record<string, unknown>, context: string) {
    const token = req.query.get('$skiptoken');
    const resumed = token ? decodeToken<{ o: number; t: number }>(token) : undefined;
    if (token && !resumed) return graphError(400, 'BadRequest', 'Invalid $skiptoken.');
    const top = resumed?.t ?? Number(req.query.get('$top') ?? this.defaultPageSize);
    if (!Number.isInteger(top) || top < 1) return graphError(400, 'BadRequest', 'Invalid $top.');
    const size = Math.min(top, this.maxPageSize);
    const offset = resumed?.o ?? 0;
    const value = items.slice(offset, offset + size);
    const body: Record<string, unknown> = {
      '@odata.context': `${this.url}/v1.0/$metadata#${context}`,
      value,
    };
    if (offset + size < items.length) {
      body['@odata.nextLink'] =
        `${this.url}${req.path}?$skiptoken=${encodeToken({ ...state, o: offset + size, t: size })}`;
    }
    return { status: 200, body };
  }

  private nonPremium(): StandInResponse {
    return graphError(
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      'Tenant does not have a SKU required for this call',
    );
  }

  /** The user with this object id or UPN (case-insensitive), as Graph's /users/{id | upn} finds them. */
  findUser(key: string): StandInUser | undefined {
    const k = key.toLowerCase();
    return this.users.get(k) ?? [...this.users.values()].find((u) => u.userPrincipalName.toLowerCase() === k);
  }

  /** Users in `groupId`, nested groups expanded, each once. */
  private transitiveUsers(groupId: string, seen = new Set<string>()): StandInUser[] {
    const found: StandInUser[] = [];
    for (const member of this.groups.get(groupId) ?? []) {
      if (seen.has(member)) continue;
      seen.add(member);
      const user = this.users.get(member);
      if (user) found.push(user);
      else if (this.groups.has(member)) found.push(...this.transitiveUsers(member, seen));
    }
    return found;
  }

  private registerRoutes(): void {
    const notFound = (what: string) =>
      graphError(
        404,
        'Request_ResourceNotFound',
        `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
      );

    // /v1.0/users/{id|upn} and /v1.0/users('{upn}')
    const users = { permission: PERMISSIONS.users };
    const groups = { permission: PERMISSIONS.groups };
    this.route(
      'GET',
      '/v1.0/users/:key',
      (req) => {
        const user = this.findUser(req.params.key!);
        return user ? { status: 200, body: this.userJson(user, req.query.get('$select')) } : notFound('user');
      },
      users,
    );
    this.route(
      'GET',
      '/v1.0/users',
      (req) =>
        this.page(
          req,
          [...this.users.values()].map((u) => this.userJson(u, req.query.get('$select'))),
          {},
          'users',
        ),
      users,
    );
    this.route(
      'GET',
      '/v1.0/:segment',
      (req) => {
        const m = /^users\('((?:[^']|'')+)'\)$/.exec(req.params.segment!);
        if (!m) return graphError(400, 'BadRequest', 'Unsupported segment.');
        const user = this.findUser(m[1]!.replace(/''/g, "'"));
        return user ? { status: 200, body: this.userJson(user, req.query.get('$select')) } : notFound('user');
      },
      users,
    );
    this.route(
      'GET',
      '/v1.0/groups/:id',
      (req) => {
        const id = req.params.id!.toLowerCase();
        if (!this.groups.has(id)) return notFound(id);
        const full: Record<string, unknown> = {
          id,
          displayName: this.groupNames.get(id) ?? `Group ${id.slice(0, 8)}`,
          securityEnabled: true,
          mailEnabled: false,
        };
        const select = req.query.get('$select')?.split(',');
        return {
          status: 200,
          body: select ? Object.fromEntries(Object.entries(full).filter(([k]) => select.includes(k))) : full,
        };
      },
      groups,
    );
    this.route(
      'POST',
      '/v1.0/users/:id/checkMemberGroups',
      (req) => {
        const user = this.findUser(req.params.id!);
        if (!user) return notFound('user');
        const groupIds = ((req.body as { groupIds?: unknown } | undefined)?.groupIds ?? []) as string[];
        if (!Array.isArray(groupIds) || groupIds.length > 20)
          return graphError(400, 'Request_BadRequest', 'groupIds must be an array of at most 20 ids.');
        return {
          status: 200,
          body: {
            value: groupIds.filter((g) =>
              this.transitiveUsers(g.toLowerCase()).some((u) => u.id === user.id),
            ),
          },
        };
      },
      groups,
    );
    this.route(
      'GET',
      '/v1.0/groups/:id/transitiveMembers/microsoft.graph.user',
      (req) => {
        const id = req.params.id!.toLowerCase();
        if (!this.groups.has(id)) return notFound('group');
        const members = this.transitiveUsers(id).map((u) => this.userJson(u, req.query.get('$select')));
        return this.page(req, members, {}, 'users');
      },
      groups,
    );

    this.route(
      'GET',
      '/v1.0/reports/authenticationMethods/userRegistrationDetails',
      async (req) => {
        if (!this.premium) return this.nonPremium();
        const token = req.query.get('$skiptoken');
        this.reportPages.push({ at: Date.now(), first: !token });
        await this.reportHeld;
        const filter = token
          ? decodeToken<{ f?: string }>(token)?.f
          : (req.query.get('$filter') ?? undefined);
        const predicate = filter ? parseReportFilter(filter) : () => true;
        if (!predicate) return graphError(400, 'BadRequest', `Invalid filter clause: ${filter}`);
        const rows = [...this.report.values()].filter(predicate);
        return this.page(
          req,
          rows,
          filter ? { f: filter } : {},
          'reports/authenticationMethods/userRegistrationDetails',
        );
      },
      { budgeted: true, permission: PERMISSIONS.report },
    );
    this.route(
      'GET',
      '/v1.0/reports/authenticationMethods/userRegistrationDetails/:id',
      (req) => {
        if (!this.premium) return this.nonPremium();
        const row = this.report.get(req.params.id!.toLowerCase());
        return row ? { status: 200, body: row } : notFound('userRegistrationDetails');
      },
      { budgeted: true, permission: PERMISSIONS.report },
    );
    this.route(
      'GET',
      '/v1.0/users/:id/authentication/methods',
      (req) => {
        const user = this.findUser(req.params.id!);
        if (!user) return notFound('user');
        return {
          status: 200,
          body: {
            '@odata.context': `${this.url}/v1.0/$metadata#users('${user.id}')/authentication/methods`,
            value: [...user.methods],
          },
        };
      },
      { budgeted: true, permission: PERMISSIONS.methods },
    );
  }
}
