/**
 * What a store holds about people, so that the bot can answer a subject-access request (export), erase one
 * person on request or when they leave the school's tenant, and check which of the people it holds still
 * exist. Every store that keeps anything keyed by, or naming, a user implements it.
 */
export interface PersonalData<T = unknown> {
  /** Every user id (Entra object id) this store holds anything about. Ids only. */
  heldUserIds(): Promise<Set<string>>;
  /** Everything this store holds about `userId`, as plain records ready for JSON (secrets only as their presence). */
  exportUser(userId: string): Promise<T[]>;
  /** Deletes everything this store holds about `userId`; returns how many records went. */
  eraseUser(userId: string): Promise<number>;
}
