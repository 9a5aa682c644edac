/**
 * Which target group's sending windows a user's nudges keep to (pupils after school, staff in the day). The
 * planner meets each member in the policy's order and the first group they are met in decides; it remembers
 * that group in the ledger (a campaign marker) when it meets them not registered, so that the worker on any
 * instance and the snooze keep to the same windows without reading group memberships again. Nothing is written while
 * no target group has windows of its own: everyone keeps to the campaign's window, as before.
 */
import type { Campaign } from '../domain/campaign/campaignTime';
import type { UserMarkerPrefix } from '../ports/nudgeLedger';
import type { CampaignDeps } from './campaignContext';

const WINDOW_GROUP: UserMarkerPrefix = 'windowGroup:';

/** Marker name under which the target group whose windows a user keeps to is remembered for the campaign. */
export function windowGroupMarker(userId: string): string {
  return `${WINDOW_GROUP}${userId}`;
}

/** Whether any target group has windows of its own (if none, nobody's group matters to the timing). */
export function groupsHaveWindows(campaign: Campaign): boolean {
  return campaign.policy.targets.groups.some((g) => g.windows);
}

/** The target group whose windows the user's nudges keep to; undefined: the campaign's window. */
export async function windowGroupOf(
  deps: Pick<CampaignDeps, 'campaign' | 'ledger'>,
  userId: string,
): Promise<string | undefined> {
  if (!groupsHaveWindows(deps.campaign)) return undefined;
  return deps.ledger.getMarker(deps.campaign.id, windowGroupMarker(userId));
}

/** Every user's remembered group (one read for a planning pass); empty while no group has windows. */
export async function windowGroups(
  deps: Pick<CampaignDeps, 'campaign' | 'ledger'>,
): Promise<Map<string, string>> {
  if (!groupsHaveWindows(deps.campaign)) return new Map();
  const prefix = windowGroupMarker('');
  const markers = await deps.ledger.markersStartingWith(deps.campaign.id, prefix);
  return new Map([...markers].map(([name, group]) => [name.slice(prefix.length), group]));
}
