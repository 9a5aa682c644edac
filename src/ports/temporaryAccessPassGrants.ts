/**
 * Who may be given a Temporary Access Pass, by whom: a *grant* is made when a desk member has checked
 * someone's identity (a valid support code, or in person and confirmed), and is spent when the pass is asked
 * for. Every grant is kept for the retention period as the record of who gave whom a pass, when, and what
 * Microsoft answered. The pass itself is never here.
 */
import type { PassRefusalReason } from './temporaryAccessPasses';
import type { PersonalData } from './personalData';

/** What became of a claimed grant: a pass was issued, or Graph's reason it was not. */
/** How a grant ended: a pass, Cancel on the in-person check, or Microsoft's lasting refusal. */
export type GrantOutcome = 'issued' | 'cancelled' | Exclude<PassRefusalReason, 'unavailable'>;

export interface TemporaryAccessPassGrant {
  /** Random and unguessable: it travels in the desk member's card button. */
  id: string;
  /** Entra object id of the desk member who checked the person. */
  deskMemberId: string;
  /** Entra object id of the person the pass would be for. */
  userId: string;
  createdAt: string;
  /** How the identity was checked: a support code (`verify`), or in person (`tap <upn>`). */
  via: 'supportCode' | 'inPerson';
  /** When the desk member confirmed they checked the person in person (in-person grants only). */
  confirmedInPersonAt?: string;
  /** When the pass was asked for: set once (compare-and-set), so one grant gives one pass at most. */
  claimedAt?: string;
  outcome?: GrantOutcome;
  settledAt?: string;
}

/** A grant in an export, from the person's side: the other party's id is not theirs to see. */
export interface ExportedGrant {
  kind: 'temporaryAccessPassGrant';
  /** `deskMember`: this person checked someone; `user`: the pass was for this person. */
  role: 'deskMember' | 'user';
  createdAt: string;
  via: TemporaryAccessPassGrant['via'];
  confirmedInPersonAt?: string;
  claimedAt?: string;
  outcome?: GrantOutcome;
  settledAt?: string;
}

export interface TemporaryAccessPassGrantStore extends PersonalData<ExportedGrant> {
  create(grant: TemporaryAccessPassGrant): Promise<void>;
  get(id: string): Promise<TemporaryAccessPassGrant | undefined>;
  /** Records the in-person confirmation once; false when the grant is gone or was confirmed already. */
  confirmInPerson(id: string, at: string): Promise<boolean>;
  /**
   * Marks the grant claimed at `at` unless it is claimed already (compare-and-set, also across instances):
   * of any number of claims, one ever wins. False for the others, and for a grant that is gone.
   */
  claim(id: string, at: string): Promise<boolean>;
  /** Records what became of a claimed grant. */
  settle(id: string, outcome: GrantOutcome, at: string): Promise<void>;
  /**
   * Undoes a claim that has not been settled, so the desk can press again: only after Graph was unavailable
   * (no pass was issued). False when there was nothing to release.
   */
  release(id: string): Promise<boolean>;
  /** Deletes grants made before `cutoff`; returns how many went. */
  purgeCreatedBefore(cutoff: Date): Promise<number>;
}

/** A grant as `userId` may see it: their role in it, without the other party's id. */
export function grantAsSeenBy(userId: string, grant: TemporaryAccessPassGrant): ExportedGrant {
  const exported: ExportedGrant = {
    kind: 'temporaryAccessPassGrant',
    role: grant.deskMemberId === userId ? 'deskMember' : 'user',
    createdAt: grant.createdAt,
    via: grant.via,
  };
  if (grant.confirmedInPersonAt) exported.confirmedInPersonAt = grant.confirmedInPersonAt;
  if (grant.claimedAt) exported.claimedAt = grant.claimedAt;
  if (grant.outcome) exported.outcome = grant.outcome;
  if (grant.settledAt) exported.settledAt = grant.settledAt;
  return exported;
}
