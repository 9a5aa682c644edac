/** A Mailer that keeps what it was asked to send, for conversation tests (the Graph one is tested end to end). */
import type { OutgoingMail } from '../../src/domain/escalation/escalationMail';
import type { Mailer, MailOutcome } from '../../src/ports/mailer';

export class RecordingMailer implements Mailer {
  readonly kind = 'demo' as const;
  /** Every attempt, accepted or not. */
  readonly attempts: OutgoingMail[] = [];
  /** Mails accepted. */
  readonly accepted: OutgoingMail[] = [];
  /** What the next sends answer (default: accepted). */
  outcomes: MailOutcome[] = [];
  /** When set, every send waits for this before answering. */
  gate?: Promise<void>;

  async send(mail: OutgoingMail): Promise<MailOutcome> {
    this.attempts.push(mail);
    if (this.gate) await this.gate;
    const outcome = this.outcomes.shift() ?? { kind: 'accepted' };
    if (outcome.kind === 'accepted') this.accepted.push(mail);
    return outcome;
  }
}
