/**
 * The school's directory: who a user is, which groups they belong to, and what they have registered for
 * MFA and SSPR. Two adapters: Microsoft Graph (app-only) and the built-in demo school.
 *
 * Privacy: nothing that leaves an adapter carries a phone number or an email address. An email method
 * says only whether it is on one of the school's domains (each adapter is given those domains).
 */
import type { MethodKind, RegisteredMethod } from '../domain/registration/methods';

/** Who is waiting for a call: a person in a chat goes before background work (refreshes, campaigns). */
export type DirectoryPriority = 'interactive' | 'background';

export interface DirectoryCallOptions {
  /** Default `background`. */
  priority?: DirectoryPriority;
  /** Gives up waiting (for the budget or for Graph) when aborted; the call then rejects. */
  signal?: AbortSignal;
}

/** A user as the bot needs them. Names are for cards and the desk; never log them. */
export interface DirectoryUser {
  /** Entra object id (lower case). */
  id: string;
  displayName: string;
  givenName?: string;
  userPrincipalName: string;
  /** At the school: the year group for pupils ("Year 8"), the department for staff. */
  department?: string;
  jobTitle?: string;
  accountEnabled: boolean;
  userType: 'member' | 'guest' | 'unknown';
}

/** One row of the registration report (userRegistrationDetails), without names. */
export interface RegistrationDetails {
  userId: string;
  methods: RegisteredMethod[];
  /** Microsoft's own verdicts (not the school's policy): shown to IT, not used to decide "done". */
  isMfaRegistered: boolean;
  isSsprRegistered: boolean;
  userType: 'member' | 'guest' | 'unknown';
  /** When Microsoft last updated this row (the report lags changes by up to a few hours). */
  lastUpdated: string;
  /** `report` normally; `live` when the tenant has no P1 and the row was built from a live look. */
  source: 'report' | 'live';
}

/** Narrows the registration report on Graph's side (`$filter`); all given conditions must hold. */
export interface RegistrationReportFilter {
  isMfaRegistered?: boolean;
  isSsprRegistered?: boolean;
  userType?: 'member' | 'guest';
  /** Users with this method registered. */
  methodRegistered?: Exclude<MethodKind, 'other' | 'password'>;
  /** UPNs starting with this text (e.g. a year-group prefix). */
  userPrincipalNameStartsWith?: string;
}

/** A live look at one user's methods (`/users/{id}/authentication/methods`). */
export interface LiveMethods {
  userId: string;
  methods: RegisteredMethod[];
  /** When the look was taken (ISO). */
  checkedAt: string;
  /** Always false with Graph: security questions are not listed by the methods API. */
  includesSecurityQuestions: boolean;
}

export interface Directory {
  /** Which adapter this is, for logs and the health check. */
  readonly kind: 'graph' | 'demo';

  /** The user with this object id, or undefined when there is none. */
  getUser(userId: string, options?: DirectoryCallOptions): Promise<DirectoryUser | undefined>;
  /** The user with this UPN (case-insensitive), or undefined when there is none. */
  findUserByUpn(upn: string, options?: DirectoryCallOptions): Promise<DirectoryUser | undefined>;

  /** True when the user is a member of the group, directly or through nested groups. */
  isTransitiveMemberOf(userId: string, groupId: string, options?: DirectoryCallOptions): Promise<boolean>;
  /** The users in a group, nested groups included, one page at a time. */
  transitiveMembers(groupId: string, options?: DirectoryCallOptions): AsyncIterable<DirectoryUser[]>;

  /** One user's report row, or undefined when the report has no row for them. */
  registrationDetails(
    userId: string,
    options?: DirectoryCallOptions,
  ): Promise<RegistrationDetails | undefined>;
  /**
   * The registration report, one page at a time, filtered on Graph's side. Where the tenant has no report
   * (no Entra ID P1) it is built from one live look per user, which is slow (5 users per 10 s); callers
   * that would rather not pay that pass `fallbackToLive: false` and get ReportUnavailableError instead.
   */
  registrationReport(
    filter?: RegistrationReportFilter,
    options?: DirectoryCallOptions & { fallbackToLive?: boolean },
  ): AsyncIterable<RegistrationDetails[]>;
  /** A live look at one user's methods; undefined when the user does not exist. */
  liveMethods(userId: string, options?: DirectoryCallOptions): Promise<LiveMethods | undefined>;
  /**
   * Of `userIds`, those that are users in the directory now (lower case): in bulk, never one call per user.
   * Throws DirectoryUnavailableError when it cannot tell for every id, so that a caller never takes an
   * outage for "these people left".
   */
  existingUserIds(userIds: string[], options?: DirectoryCallOptions): Promise<Set<string>>;
}

/** Raised when the directory could not answer (after its retries): the caller says "try again later". */
export class DirectoryUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'DirectoryUnavailableError';
  }
}

/** The tenant has no registration report (no Entra ID P1/P2) and the caller asked for no fallback. */
export class ReportUnavailableError extends Error {
  constructor() {
    super('the registration report is not available in this tenant (it needs Entra ID P1 or P2)');
    this.name = 'ReportUnavailableError';
  }
}
