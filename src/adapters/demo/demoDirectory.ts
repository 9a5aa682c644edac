/**
 * The Directory on the built-in demo school, for trying the bot offline (no Graph credentials). It answers
 * like Graph does where that matters to callers: the report hides email addresses and lags a few hours,
 * live looks do not show security questions, lists come in pages.
 */
import { microsoftVerdicts, type RegisteredMethod } from '../../domain/registration/methods';
import type { Clock } from '../../ports/clock';
import type {
  Directory,
  DirectoryUser,
  LiveMethods,
  RegistrationDetails,
  RegistrationReportFilter,
} from '../../ports/directory';
import { matchesReportFilter } from '../reportFilter';
import { buildDemoSchool, type DemoPerson, type DemoSchool } from './demoSchool';

const PAGE_SIZE = 100;
/** How far behind the demo report pretends to be. */
const REPORT_LAG_MS = 3 * 3_600_000;

function pages<T>(items: T[]): AsyncIterable<T[]> {
  return (async function* () {
    // Each page is a turn of the event loop, as it would be over the network.
    for (let i = 0; i < items.length; i += PAGE_SIZE)
      yield await Promise.resolve(items.slice(i, i + PAGE_SIZE));
  })();
}

export class DemoDirectory implements Directory {
  readonly kind = 'demo' as const;
  private readonly school: DemoSchool;
  private readonly byId = new Map<string, DemoPerson>();

  constructor(private readonly clock: Clock) {
    this.school = buildDemoSchool();
    for (const p of this.school.people) this.byId.set(p.user.id, p);
  }

  getUser(userId: string): Promise<DirectoryUser | undefined> {
    const found = this.byId.get(userId.toLowerCase());
    return Promise.resolve(found && { ...found.user });
  }

  findUserByUpn(upn: string): Promise<DirectoryUser | undefined> {
    const found = this.school.people.find(
      (p) => p.user.userPrincipalName.toLowerCase() === upn.toLowerCase(),
    );
    return Promise.resolve(found && { ...found.user });
  }

  isTransitiveMemberOf(userId: string, groupId: string): Promise<boolean> {
    return Promise.resolve(this.membersOf(groupId.toLowerCase()).includes(userId.toLowerCase()));
  }

  transitiveMembers(groupId: string): AsyncIterable<DirectoryUser[]> {
    return pages(this.membersOf(groupId.toLowerCase()).map((id) => ({ ...this.byId.get(id)!.user })));
  }

  registrationDetails(userId: string): Promise<RegistrationDetails | undefined> {
    const found = this.byId.get(userId.toLowerCase());
    return Promise.resolve(found && this.reportRow(found));
  }

  registrationReport(filter: RegistrationReportFilter = {}): AsyncIterable<RegistrationDetails[]> {
    const rows = this.school.people
      .map((p) => ({ row: this.reportRow(p), upn: p.user.userPrincipalName }))
      .filter(({ row, upn }) => matchesReportFilter(row, upn, filter))
      .map(({ row }) => row);
    return pages(rows);
  }

  liveMethods(userId: string): Promise<LiveMethods | undefined> {
    const found = this.byId.get(userId.toLowerCase());
    if (!found) return Promise.resolve(undefined);
    return Promise.resolve({
      userId: found.user.id,
      methods: found.methods.filter((m) => m.kind !== 'securityQuestions'),
      checkedAt: this.clock.now().toISOString(),
      includesSecurityQuestions: false,
    });
  }

  existingUserIds(userIds: string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(userIds.map((id) => id.toLowerCase()).filter((id) => this.byId.has(id))));
  }

  private reportRow(p: DemoPerson): RegistrationDetails {
    // The report names an email method but never shows (or classifies) the address.
    const methods: RegisteredMethod[] = p.methods
      .filter((m) => m.kind !== 'password')
      .map((m) => (m.kind === 'email' ? { kind: 'email' } : m));
    return {
      userId: p.user.id,
      methods,
      ...microsoftVerdicts(methods),
      userType: p.user.userType,
      lastUpdated: new Date(this.clock.now().getTime() - REPORT_LAG_MS).toISOString(),
      source: 'report',
    };
  }

  /** User ids in a group, nested groups expanded, each once. */
  private membersOf(groupId: string, seen = new Set<string>()): string[] {
    const found: string[] = [];
    for (const member of this.school.groups.get(groupId) ?? []) {
      if (seen.has(member)) continue;
      seen.add(member);
      if (this.byId.has(member)) found.push(member);
      else found.push(...this.membersOf(member, seen));
    }
    return found;
  }
}
