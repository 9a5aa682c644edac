/**
 * Who may see the IT view: members of the policy's `groups.itStaff` (nested groups count). A "yes" is trusted
 * for `supportCodes.membershipCacheMinutes` like the desk's, a "no" for a minute at most, so a new member of
 * IT is not kept waiting and a pupil typing `progress` again and again costs no Graph calls.
 */
import type { SchoolPolicy } from '../../domain/policy/schoolPolicy';
import type { Clock } from '../../ports/clock';
import type { Directory } from '../../ports/directory';

const NON_MEMBER_TRUST_MS = 60_000;

export class ItStaffMembership {
  private readonly known = new Map<string, { member: boolean; at: number }>();

  constructor(private readonly deps: { policy: SchoolPolicy; directory: Directory; clock: Clock }) {}

  /** True when `userId` is in the IT staff group; false for everyone when the policy names no group. */
  async isItStaff(userId: string): Promise<boolean> {
    const group = this.deps.policy.groups.itStaff;
    if (!group) return false;
    const id = userId.toLowerCase();
    const now = this.deps.clock.now().getTime();
    const trustedForMs = this.deps.policy.supportCodes.membershipCacheMinutes * 60_000;
    const known = this.known.get(id);
    if (known && now - known.at < (known.member ? trustedForMs : Math.min(trustedForMs, NON_MEMBER_TRUST_MS)))
      return known.member;
    const member = await this.deps.directory.isTransitiveMemberOf(id, group, { priority: 'interactive' });
    // Bounded by the school's size; cleared whole rather than grown without end in a trust.
    if (this.known.size >= 10_000) this.known.clear();
    this.known.set(id, { member, at: now });
    return member;
  }
}
