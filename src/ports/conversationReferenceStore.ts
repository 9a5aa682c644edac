/**
 * Where to reach each user proactively. The reference is botbuilder's ConversationReference, kept as
 * opaque JSON so nothing outside the Teams transport needs to know its shape.
 */
import type { PersonalData } from './personalData';

export interface StoredConversationReference {
  /** Entra object id of the user. */
  userId: string;
  tenantId: string;
  conversationId: string;
  serviceUrl: string;
  reference: Record<string, unknown>;
  /** ISO time of the last install or message that refreshed it. */
  updatedAt: string;
  /**
   * The language Teams last said the user has (the activity's `locale`, `pl-PL`): a nudge is written in it when
   * they chose none. Absent on references saved before it was kept, and when Teams sent none.
   */
  locale?: string;
}

export interface ConversationReferenceStore extends PersonalData<StoredConversationReference> {
  /** Stores the reference without any display name in it (see `withoutNames`). */
  save(ref: StoredConversationReference): Promise<void>;
  get(userId: string): Promise<StoredConversationReference | undefined>;
  /** Forgets a user's reference (the app was uninstalled): nothing more can be sent to them. */
  remove(userId: string): Promise<void>;
  /** Deletes references not refreshed since `cutoff` (no install and no message since); returns how many. */
  purgeUpdatedBefore(cutoff: Date): Promise<number>;
}

/** Where botbuilder's ConversationReference carries display names: the user's and the chat's. */
const NAMED_PARTS = ['user', 'conversation'] as const;

/**
 * The reference with the user's display name (`user.name`) and the chat's name removed: sending needs ids
 * only, and a name kept here would be a pupil's name stored for as long as the reference lives.
 */
export function withoutNames(reference: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...reference };
  for (const part of NAMED_PARTS) {
    const value = copy[part];
    if (value && typeof value === 'object' && 'name' in value) {
      const rest: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      delete rest.name;
      copy[part] = rest;
    }
  }
  return copy;
}
