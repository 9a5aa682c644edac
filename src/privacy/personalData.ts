/**
 * Everything the bot holds about one person, across every store: the export for a subject-access request,
 * the erase (on request, or when the person has left the tenant), and the ids of everyone held. A store that
 * keeps anything about people is listed in `holdersOf`, so that none is forgotten by any of the three.
 */
import type { Stores } from '../adapters/storage';
import type { PersonalData } from '../ports/personalData';

/** The stores holding personal data, by the name an export or an erase report uses. */
export function holdersOf(stores: Stores): Record<string, PersonalData> {
  return {
    guideProgress: stores.progress,
    conversationReferences: stores.references,
    statusFollowUps: stores.followUps,
    escalations: stores.escalations,
    supportCodes: stores.supportCodes,
    temporaryAccessPasses: stores.temporaryAccessPasses,
    nudges: stores.nudgeLedger,
  };
}

export interface PersonalExport {
  userId: string;
  exportedAt: string;
  /** Store name → the records it holds about the person (empty when none). */
  records: Record<string, unknown[]>;
}

export class PersonalDataService {
  private readonly holders: Record<string, PersonalData>;

  constructor(private readonly stores: Stores) {
    this.holders = holdersOf(stores);
  }

  /** Every user id any store holds something about. */
  async heldUserIds(): Promise<Set<string>> {
    const held = new Set<string>();
    for (const holder of Object.values(this.holders)) {
      for (const id of await holder.heldUserIds()) held.add(id);
    }
    return held;
  }

  async exportUser(userId: string, now: Date): Promise<PersonalExport> {
    const records: Record<string, unknown[]> = {};
    for (const [name, holder] of Object.entries(this.holders))
      records[name] = await holder.exportUser(userId);
    return { userId, exportedAt: now.toISOString(), records };
  }

  /**
   * Deletes everything held about `userId`, queued nudges included, and makes the deletion final on disk.
   * Returns how many records went, by store.
   */
  async eraseUser(userId: string): Promise<Record<string, number>> {
    const erased: Record<string, number> = {};
    for (const [name, holder] of Object.entries(this.holders)) erased[name] = await holder.eraseUser(userId);
    erased.nudgeQueue = await this.stores.nudgeQueue.eraseWhere((job) => job.userId === userId);
    this.stores.flushDeleted();
    return erased;
  }
}
