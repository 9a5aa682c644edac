/**
 * Each escalation's mail for the desk, composed by the outbox when it sends: who the user is and their
 * registration snapshot, from the directory, at the time of sending. Apart from the escalation service, so
 * the outbox (which composes) and the service (which hands escalations to the outbox) are built in order.
 */
import { composeEscalationMail, type OutgoingMail } from '../domain/escalation/escalationMail';
import { describeRegistration } from '../domain/escalation/registrationSummary';
import type { StepId } from '../domain/guide/steps';
import { availableMethods } from '../domain/policy/availability';
import { localDateOf } from '../domain/policy/localDate';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import { evaluateRegistration } from '../domain/registration/evaluateRegistration';
import { BASE_LOCALE } from '../i18n/catalogue';
import type { Clock } from '../ports/clock';
import type { Directory } from '../ports/directory';
import type { Escalation } from '../ports/escalationStore';
import type { RegistrationStatusService } from '../status/registrationStatusService';

export interface EscalationMailComposerDeps {
  directory: Directory;
  status: RegistrationStatusService;
  policy: SchoolPolicy;
  clock: Clock;
  /** Sender mailbox: SENDER_MAILBOX, else SERVICE_DESK_MAILBOX, else the policy's support mailbox. */
  sender: string;
  /** The desk mailbox: SERVICE_DESK_MAILBOX, else the policy's support mailbox. */
  recipient: string;
  /** "Scan the QR code" for a step id (the guide's titles). */
  stepTitle: (step: StepId) => string;
  /**
   * A language's name in itself ("Polski") by its locale, when there is a catalogue for it: the mail names the
   * user's language when it is not the school's. Without it the mail names none.
   */
  languageName?: (locale: string) => string | undefined;
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

export class EscalationMailComposer {
  constructor(private readonly deps: EscalationMailComposerDeps) {}

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
      language: this.languageOf(escalation),
      sender: this.deps.sender,
      recipient: this.deps.recipient,
    });
  }

  /** "Polski (pl)" for a request made in another language than the school's (English); else nothing. */
  private languageOf(escalation: Escalation): string | undefined {
    const locale = escalation.language;
    if (!locale || locale === BASE_LOCALE) return undefined;
    const name = this.deps.languageName?.(locale);
    return name ? `${name} (${locale})` : undefined;
  }
}
