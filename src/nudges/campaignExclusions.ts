/**
 * The people a campaign leaves out: the users its policy names and the members of its excluded groups (nested
 * groups flattened). One read for the planner, which never nudges them, and IT's counts, which do not count them,
 * so the two agree on who the campaign is for.
 */
import type { CampaignPolicy } from '../domain/policy/campaignPolicy';
import type { Directory } from '../ports/directory';

/** The object ids the campaign leaves out: one membership listing per excluded group, at background priority. */
export async function campaignExcludedIds(
  directory: Directory,
  campaign: Pick<CampaignPolicy, 'targets'>,
): Promise<Set<string>> {
  const excluded = new Set(campaign.targets.exclude.users);
  for (const group of campaign.targets.exclude.groups)
    for await (const page of directory.transitiveMembers(group.id, { priority: 'background' }))
      for (const u of page) excluded.add(u.id);
  return excluded;
}
