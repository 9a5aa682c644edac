/**
 * "I need help", from the user's submit to a stored escalation: cleans the words, applies the daily limit
 * and the same-form rule atomically in the store, and hands the escalation to the outbox, waiting a moment so
 * the user can usually be told "sent" at once. The mail itself is composed by the outbox, when it sends
 * (escalationMailComposer.ts).
 */
import crypto from 'node:crypto';
import { isUrgent } from '../domain/escalation/categories';
import { cleanFreeText } from '../domain/escalation/freeText';
import { referenceFrom } from '../domain/escalation/reference';
import { localDateOf } from '../domain/policy/localDate';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import type { SensitiveKind } from '../domain/text/screening';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { Escalation, EscalationRequest, EscalationStore } from '../ports/escalationStore';
import type { DeliveryNow, EscalationOutbox } from './escalationOutbox';

/** What the user sent, before cleaning (the words exactly as they came off the card). */
export type EscalationDraft = Omit<EscalationRequest, 'words'> & { words?: string };

/** `removed`: what the rule took out of the words sent this time (the user is told; nothing else keeps it). */
export type SubmitResult =
  | { kind: 'created' | 'duplicate'; escalation: Escalation; delivery: DeliveryNow; removed: SensitiveKind[] }
  | { kind: 'limit'; today: Escalation[]; removed: SensitiveKind[] };

export interface EscalationServiceDeps {
  store: EscalationStore;
  outbox: EscalationOutbox;
  policy: SchoolPolicy;
  clock: Clock;
  log: Logger;
  /** How long a turn waits for the first send (default 2.5 s: Teams gives up on a turn at 10–15 s). */
  inTurnWaitMs?: number;
}

export class EscalationService {
  constructor(private readonly deps: EscalationServiceDeps) {}

  async submit(draft: EscalationDraft): Promise<SubmitResult> {
    const { policy, clock, store, log } = this.deps;
    const now = clock.now();
    const words = draft.words ? cleanFreeText(draft.words, policy.escalation.freeTextMaxLength) : undefined;
    const result = await store.create(
      {
        ...draft,
        words: words?.text ? { text: words.text, truncated: words.truncated } : undefined,
        id: crypto.randomUUID(),
        createdAt: now.toISOString(),
        localDate: localDateOf(now, policy.school.timeZone),
        channelCopy: policy.escalation.channel ? 'owed' : 'none',
      },
      // Someone else may be signing in: one urgent request more than the day's limit still reaches the desk.
      policy.escalation.maxPerUserPerDay + (isUrgent(draft.category) ? 1 : 0),
      () => referenceFrom(crypto.randomBytes(16)),
    );
    const ids = { userId: draft.userId };
    // The kinds, never what was typed.
    const removed = words?.removed ?? [];
    if (result.kind === 'limit') {
      log.info({ ...ids, today: result.today.length, outcome: 'limit' }, 'escalation refused: daily limit');
      return { ...result, removed };
    }
    const escalation = result.escalation;
    log.info(
      {
        ...ids,
        escalationId: escalation.id,
        reference: escalation.reference,
        category: escalation.category,
        way: escalation.way,
        outcome: result.kind,
        truncated: words?.truncated ?? false,
        removed,
      },
      result.kind === 'created' ? 'escalation stored' : 'escalation form sent again: same escalation',
    );
    if (result.kind === 'duplicate') {
      const state = escalation.state;
      return {
        kind: 'duplicate',
        escalation,
        delivery: state === 'sent' ? 'sent' : state === 'failed' ? 'failed' : 'delayed',
        removed,
      };
    }
    let delivery = await this.deps.outbox.deliverNow(escalation.id, this.deps.inTurnWaitMs ?? 2500);
    if (delivery === 'delayed') {
      // Owed a message when it goes; then look again, in case it went while the flag was being set. The
      // outbox may have taken the notice meanwhile (and sent it): then the answer stays "on its way".
      await store.setUserOwedNotice(escalation.id, true);
      const fresh = await store.get(escalation.id);
      if (fresh && fresh.state !== 'queued' && fresh.state !== 'composed') {
        if (await store.takeUserNotice(escalation.id)) delivery = fresh.state === 'sent' ? 'sent' : 'failed';
      }
    }
    return { kind: 'created', escalation, delivery, removed };
  }

  /** The escalation with this reference (for the desk's `verify <reference> <code>`). */
  findByReference(reference: string): Promise<Escalation | undefined> {
    return this.deps.store.findByReference(reference);
  }
}
