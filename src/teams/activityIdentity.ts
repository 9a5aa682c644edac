/** Who sent an activity and from which tenant, read defensively: every field is optional on the wire. */
import type { Activity } from 'botbuilder';

/** The tenant an activity claims to come from (Teams puts it in channelData; the connector in conversation). */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannel = typeof channelData?.tenant?.id === 'string' ? channelData.tenant.id : undefined;
  const fromConversation =
    typeof activity.conversation?.tenantId === 'string' ? activity.conversation.tenantId : undefined;
  if (fromChannel && fromConversation && fromChannel.toLowerCase() !== fromConversation.toLowerCase())
    return undefined;
  return (fromChannel ?? fromConversation)?.toLowerCase();
}

/** The sender's Entra object id, which keys everything the bot stores about a user. */
export function userIdOf(activity: Partial<Activity>): string | undefined {
  const id = activity.from?.aadObjectId;
  return typeof id === 'string' && id.length > 0 ? id.toLowerCase() : undefined;
}

/** First word of the display name, for "Hi Sam". Never stored or logged. */
export function firstNameOf(activity: Partial<Activity>): string | undefined {
  const name = activity.from?.name;
  if (typeof name !== 'string') return undefined;
  const first = name.trim().split(/\s+/)[0];
  // Names that look like addresses or ids are not worth greeting with.
  return first && first.length <= 30 && !/[@\d]/.test(first) ? first : undefined;
}
