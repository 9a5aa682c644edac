/**
 * Where to reach each user proactively. The reference is botbuilder's ConversationReference, kept as
 * opaque JSON so nothing outside the Teams transport needs to know its shape.
 */
export interface StoredConversationReference {
  /** Entra object id of the user. */
  userId: string;
  tenantId: string;
  conversationId: string;
  serviceUrl: string;
  reference: Record<string, unknown>;
  /** ISO time of the last install or message that refreshed it. */
  updatedAt: string;
}

export interface ConversationReferenceStore {
  save(ref: StoredConversationReference): Promise<void>;
  get(userId: string): Promise<StoredConversationReference | undefined>;
  /** Forgets a user's reference (the app was uninstalled): nothing more can be sent to them. */
  remove(userId: string): Promise<void>;
}
