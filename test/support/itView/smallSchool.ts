/**
 * A school small enough to count by hand, for the IT view's tests: the sample policy's groups (IT staff, all
 * pupils, all staff, Years 7 and 8) and ten people whose categories are known by construction. A directory
 * over it answers like the demo one (pages, nested groups), and counts its calls.
 */
import type { RegisteredMethod } from '../../../src/domain/registration/methods';
import type {
  Directory,
  DirectoryUser,
  LiveMethods,
  RegistrationDetails,
} from '../../../src/ports/directory';

export const SMALL_GROUPS = {
  itStaff: '5a00000a-0000-4000-8000-000000000002',
  allPupils: '5a00000a-0000-4000-8000-000000000003',
  allStaff: '5a00000a-0000-4000-8000-000000000004',
  year7: '5a00000a-0000-4000-8000-000000000007',
  year8: '5a00000a-0000-4000-8000-000000000008',
  /** A report group of the sample policy, in no target group here: empty unless a test adds members. */
  year9: '5a00000a-0000-4000-8000-000000000009',
} as const;

const id = (n: number) => `7e000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const SMALL_PEOPLE = {
  /** IT staff: the app and a personal email (complete). */
  ada: id(1),
  /** Year 7: complete. */
  amy: id(2),
  /** Year 7: a mobile and an email (phone-only). */
  ben: id(3),
  /** Year 7: the app only (partly: second method missing). */
  cal: id(4),
  /** Year 8: nothing (not started). */
  dee: id(5),
  /** Year 8: nothing, and a name that Excel would run as a formula. */
  eve: id(6),
  /** Year 8: a disabled account (not counted). */
  fay: id(7),
  /** Year 8: no row in the report yet (not known). */
  gus: id(8),
  /** Staff: an office phone only (phone-only, second method missing). */
  sid: id(9),
  /** Not in any group (counted nowhere). */
  zed: id(10),
} as const;

const app: RegisteredMethod = { kind: 'authenticatorApp' };
const email: RegisteredMethod = { kind: 'email' };
const mobile: RegisteredMethod = { kind: 'mobilePhone' };

interface Person {
  user: DirectoryUser;
  /** Absent: the report has no row. */
  methods?: RegisteredMethod[];
}

function person(
  n: string,
  name: string,
  department: string,
  methods?: RegisteredMethod[],
  enabled = true,
): Person {
  return {
    user: {
      id: n,
      displayName: name,
      givenName: name.split(' ')[0],
      userPrincipalName: `${name
        .split(' ')[0]!
        .toLowerCase()
        .replace(/[^a-z]/g, '')}@kscs.org.uk`,
      department,
      accountEnabled: enabled,
      userType: 'member',
    },
    methods,
  };
}

const P = SMALL_PEOPLE;
const PEOPLE: Person[] = [
  person(P.ada, 'Ada Admin', 'IT Support', [app, email]),
  person(P.amy, 'Amy Able', 'Year 7', [app, email]),
  person(P.ben, 'Ben Brook', 'Year 7', [mobile, email]),
  person(P.cal, 'Cal Cole', 'Year 7', [app]),
  person(P.dee, 'Dee Dale', 'Year 8', []),
  person(P.eve, '=HYPERLINK("http://x.example","Eve")', 'Year 8', []),
  person(P.fay, 'Fay Fox', 'Year 8', [app, email], false),
  person(P.gus, 'Gus Gray', 'Year 8', undefined),
  person(P.sid, 'Sid Smith', 'Science', [{ kind: 'officePhone' }]),
  person(P.zed, 'Zed Zeal', 'Year 9', []),
];

const GROUPS = new Map<string, string[]>([
  [SMALL_GROUPS.itStaff, [P.ada]],
  [SMALL_GROUPS.year7, [P.amy, P.ben, P.cal]],
  [SMALL_GROUPS.year8, [P.dee, P.eve, P.fay, P.gus]],
  [SMALL_GROUPS.allPupils, [SMALL_GROUPS.year7, SMALL_GROUPS.year8]],
  [SMALL_GROUPS.allStaff, [P.sid, SMALL_GROUPS.itStaff]],
]);

/**
 * The small school as a Directory; `calls` counts each method's calls (per user calls must stay at zero).
 * `extraMembers` adds direct members to groups (group id → user ids), e.g. someone outside the targets.
 */
export class SmallSchoolDirectory implements Directory {
  readonly kind = 'demo' as const;
  readonly calls = { membership: 0, groupListing: 0, reportPasses: 0, perUser: 0 };
  private readonly byId = new Map(PEOPLE.map((p) => [p.user.id, p]));
  private readonly groups: Map<string, string[]>;

  constructor(extraMembers: Record<string, string[]> = {}) {
    this.groups = new Map(GROUPS);
    for (const [group, members] of Object.entries(extraMembers))
      this.groups.set(group, [...(this.groups.get(group) ?? []), ...members]);
  }

  getUser(userId: string): Promise<DirectoryUser | undefined> {
    this.calls.perUser++;
    return Promise.resolve(this.byId.get(userId)?.user);
  }

  findUserByUpn(): Promise<DirectoryUser | undefined> {
    this.calls.perUser++;
    return Promise.resolve(undefined);
  }

  isTransitiveMemberOf(userId: string, groupId: string): Promise<boolean> {
    this.calls.membership++;
    return Promise.resolve(this.membersOf(groupId).includes(userId));
  }

  async *transitiveMembers(groupId: string): AsyncIterable<DirectoryUser[]> {
    this.calls.groupListing++;
    const users = this.membersOf(groupId).map((m) => this.byId.get(m)!.user);
    // Pages of two, so that paging is exercised.
    for (let i = 0; i < users.length; i += 2) yield await Promise.resolve(users.slice(i, i + 2));
  }

  registrationDetails(userId: string): Promise<RegistrationDetails | undefined> {
    this.calls.perUser++;
    const p = this.byId.get(userId);
    return Promise.resolve(p?.methods && this.row(p));
  }

  async *registrationReport(): AsyncIterable<RegistrationDetails[]> {
    this.calls.reportPasses++;
    yield await Promise.resolve(PEOPLE.filter((p) => p.methods).map((p) => this.row(p)));
  }

  liveMethods(): Promise<LiveMethods | undefined> {
    this.calls.perUser++;
    return Promise.resolve(undefined);
  }

  existingUserIds(userIds: string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(userIds.filter((u) => this.byId.has(u))));
  }

  private row(p: Person): RegistrationDetails {
    return {
      userId: p.user.id,
      methods: p.methods!,
      isMfaRegistered: p.methods!.length > 0,
      isSsprRegistered: p.methods!.length > 1,
      userType: 'member',
      lastUpdated: '2026-11-30T08:00:00.000Z',
      source: 'report',
    };
  }

  private membersOf(groupId: string): string[] {
    return (this.groups.get(groupId) ?? []).flatMap((m) => (this.groups.has(m) ? this.membersOf(m) : [m]));
  }
}
