/**
 * When to do it, as a nudge says it, from the window it arrives in. A school that bans phones all day nudges
 * pupils at home (after school, on a Saturday morning): the nudge then says to do it there, now, with their
 * phone. A nudge that arrives during the school day (the campaign's own window on a school day: staff at work)
 * says nothing of the kind. Pure: the window and the day decide, never a group's name.
 */
import type { LocalDate } from '../policy/localDate';
import type { Campaign, SendingWindow } from './campaignTime';
import { dayKind } from './schoolCalendar';

/** Which parts of the day at home a nudge can speak of. */
export const HOME_HINTS = ['morning', 'evening', 'today'] as const;
/** Which part of the day at home the nudge speaks of. */
export type HomeHint = (typeof HOME_HINTS)[number];

/** The hint for a nudge sent on `date` in `window`; undefined when it arrives in school hours. */
export function homeHint(campaign: Campaign, window: SendingWindow, date: LocalDate): HomeHint | undefined {
  // School hours are the campaign's window on a school day; a window that shares any of them is at school.
  const school = campaign.policy.window;
  const atSchool =
    dayKind(date, campaign.policy).school && window.from < school.to && school.from < window.to;
  if (atSchool) return undefined;
  if (window.to <= '12:00') return 'morning';
  // From mid-afternoon on, the time at home that is left is the evening.
  if (window.from >= '15:00') return 'evening';
  return 'today';
}
