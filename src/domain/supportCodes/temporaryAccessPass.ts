/**
 * The rules for the desk's Temporary Access Pass, without I/O: who may have a pass issued on a grant, and
 * what the desk member tells the person once it is. A pass is given only by a current member of the desk,
 * only on a grant that same member made, only soon after they checked the person's identity (a valid support
 * code, or an in-person check they confirmed), and only once per grant.
 */
import { wallClockAt } from '../campaign/zonedTime';
import type { LocalDate } from '../policy/localDate';
import type { SchoolPolicy } from '../policy/schoolPolicy';

/** Why the desk gets no pass on a grant, before Microsoft is asked. */
export type GiveRefusal =
  /** The policy has the feature switched off. */
  | 'featureOff'
  /** Whoever pressed is not (or no longer) in the service-desk group. */
  | 'notDeskMember'
  /** No grant with this id was made by whoever pressed (another member's, purged, or made up). */
  | 'notYourGrant'
  /** The check of the person's identity is older than the policy allows. */
  | 'tooOld'
  /** An in-person grant whose check the desk member has not confirmed. */
  | 'notConfirmedInPerson'
  /** A pass was given (or is being given) on this grant already: a second press. */
  | 'alreadyGiven'
  /** The desk member cancelled the in-person check: the grant can give no pass. */
  | 'cancelled';

/** Why an in-person check cannot be confirmed. */
export type ConfirmRefusal = 'featureOff' | 'notDeskMember' | 'notYourGrant' | 'tooOld' | 'alreadyConfirmed';

/** The parts of a grant the rules read. */
export interface GrantFacts {
  deskMemberId: string;
  createdAt: string;
  via: 'supportCode' | 'inPerson';
  confirmedInPersonAt?: string;
  claimedAt?: string;
}

export interface Asker {
  id: string;
  /** In the service-desk group now. */
  isDeskMember: boolean;
}

type Settings = SchoolPolicy['temporaryAccessPass'];

/** When the person's identity was checked: the valid code, or the desk member's in-person confirmation. */
export function identityCheckedAt(grant: GrantFacts): string | undefined {
  return grant.via === 'supportCode' ? grant.createdAt : grant.confirmedInPersonAt;
}

function olderThan(at: string, minutes: number, now: Date): boolean {
  return now.getTime() - Date.parse(at) > minutes * 60_000;
}

/** Checks common to giving and confirming: the feature, the asker, the grant's owner. */
function whyNotAsker(settings: Settings, asker: Asker, grant: GrantFacts | undefined) {
  if (!settings.enabled) return 'featureOff' as const;
  if (!asker.isDeskMember) return 'notDeskMember' as const;
  if (!grant || grant.deskMemberId !== asker.id) return 'notYourGrant' as const;
  return undefined;
}

/** Why no pass may be given on `grant` now; undefined when one may. */
export function whyNotGive(
  settings: Settings,
  asker: Asker,
  grant: GrantFacts | undefined,
  now: Date,
): GiveRefusal | undefined {
  const refusal = whyNotAsker(settings, asker, grant);
  if (refusal || !grant) return refusal ?? 'notYourGrant';
  if (grant.claimedAt) return 'alreadyGiven';
  const checkedAt = identityCheckedAt(grant);
  if (!checkedAt) return 'notConfirmedInPerson';
  if (olderThan(checkedAt, settings.verifiedWithinMinutes, now)) return 'tooOld';
  return undefined;
}

/** Why the in-person check on `grant` cannot be confirmed now; undefined when it can. */
export function whyNotConfirm(
  settings: Settings,
  asker: Asker,
  grant: GrantFacts | undefined,
  now: Date,
): ConfirmRefusal | undefined {
  const refusal = whyNotAsker(settings, asker, grant);
  if (refusal || !grant) return refusal ?? 'notYourGrant';
  if (grant.via !== 'inPerson') return 'notYourGrant';
  if (grant.confirmedInPersonAt) return 'alreadyConfirmed';
  // The confirmation answers the card `tap <upn>` showed: it is as fresh as that card.
  if (olderThan(grant.createdAt, settings.verifiedWithinMinutes, now)) return 'tooOld';
  return undefined;
}

/** What the desk member tells the person with the pass, as data for the card. */
export interface PassInstructions {
  /** Where the person signs in with the pass and sets up their methods. */
  registrationUrl: string;
  /** When the pass stops working, in the school's time zone. */
  expiresLocal: { date: LocalDate; time: string };
  lifetimeMinutes: number;
  /** It signs in once: they must finish setting up in that one sign-in. */
  usableOnce: boolean;
}

export function passInstructions(
  policy: SchoolPolicy,
  issued: { startsAt: string; expiresAt: string; usableOnce: boolean },
): PassInstructions {
  return {
    registrationUrl: policy.registration.url,
    expiresLocal: wallClockAt(new Date(issued.expiresAt), policy.school.timeZone),
    lifetimeMinutes: Math.round((Date.parse(issued.expiresAt) - Date.parse(issued.startsAt)) / 60_000),
    usableOnce: issued.usableOnce,
  };
}
