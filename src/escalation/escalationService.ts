/**
 * "I need help", from the user's submit to a stored escalation: cleans the words, applies the daily limit
 * and the same-form rule atomically in the store, and hands the escalation to the outbox, waiting a moment so
 * the user can usually be told "sent" at once. Also composes each escalation's mail for the outbox: who the
 * user is and their registration snapshot, from the directory, at the time of sending.
 */
import crypto from 'node:crypto';
import { cleanFreeText } from '../domain/escalation/freeText';
import { composeEscalationMail, type OutgoingMail } from '../domain/escalation/escalationMail';
import { referenceFrom } from '../domain/escalation/reference';
import { describeRegistration } from '../domain/escalation/registrationSummary';
import type { StepId } from '../domain/guide/steps';
import { availableMethods } from '../domain/policy/availability';
import { localDateOf } from '../domain/policy/localDate';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import type { SensitiveKind } from '../domain/text/screening';
import { evaluateRegistration } from '../domain/registration/evaluateRegistration';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { Directory } from '../ports/directory';
import type { Escalation, EscalationRequest, EscalationStore } from '../ports/escalationStore';
import type { RegistrationStatusService } from '../status/registrationStatusService';
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
  directory: Directory;
  status: RegistrationStatusService;
  policy: SchoolPolicy;
  clock: Clock;
  log: Logger;
  /** Sender mailbox: SENDER_MAILBOX, else SERVICE_DESK_MAILBOX, else the policy's support mailbox. */
  sender: string;
  /** The desk mailbox: SERVICE_DESK_MAILBOX, else the policy's support mailbox. */
  recipient: string;
  /** "Scan the QR code" for a step id (the guide's titles). */
  stepTitle: (step: StepId) => string;
  /** How long a turn waits for the first send (default 2.5 s: Teams gives up on a turn at 10–15 s). */
  inTurnWaitMs?: number;
  /** How long composing waits for the directory before trying again later (default 5 s). */
  lookupTimeoutMs?: number;
}

class LookupTimeout extends Error {
  override name = 'LookupTimeout';
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LookupTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
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
      policy.escalation.maxPerUserPerDay,
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

  /**
   * The desk's mail for `escalation`: identity and registration from the directory. Throws when the
   * directory cannot answer in time, unless `degraded` (the outbox has waited long enough): then the mail
   * goes with what is known.
   */
  async compose(escalation: Escalation, options: { degraded: boolean }): Promise<OutgoingMail> {
    const { directory, status, policy, clock } = this.deps;
    const ms = this.deps.lookupTimeoutMs ?? 5000;
    const now = clock.now();
    let person: Awaited<ReturnType<Directory['getUser']>>;
    let registration;
    try {
      person = await within(directory.getUser(escalation.userId, { priority: 'interactive' }), ms);
    } catch (error) {
      if (!options.degraded) throw error;
      person = undefined;
    }
    try {
      const lookup = await within(status.status(escalation.userId), ms);
      if (lookup.kind === 'known') {
        const today = localDateOf(now, policy.school.timeZone);
        registration = describeRegistration(
          evaluateRegistration(lookup.snapshot.methods, availableMethods(policy, today)),
          lookup.snapshot,
          new Date(escalation.createdAt),
        );
      }
    } catch {
      // The registration is useful but not worth holding the mail for: the desk can look it up.
      registration = undefined;
    }
    return composeEscalationMail({
      escalationId: escalation.id,
      reference: escalation.reference,
      createdAt: escalation.createdAt,
      timeZone: policy.school.timeZone,
      schoolName: policy.school.name,
      category: escalation.category,
      way: escalation.way,
      booking: escalation.booking,
      words: escalation.words && { ...escalation.words, maxLength: policy.escalation.freeTextMaxLength },
      stepTitle: this.deps.stepTitle(escalation.step),
      person: person && {
        id: person.id,
        displayName: person.displayName,
        userPrincipalName: person.userPrincipalName,
        department: person.department,
        jobTitle: person.jobTitle,
        accountEnabled: person.accountEnabled,
      },
      userId: escalation.userId,
      registration,
      sender: this.deps.sender,
      recipient: this.deps.recipient,
    });
  }
}
