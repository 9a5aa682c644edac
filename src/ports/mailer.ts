/**
 * Sends one mail, once per call: no retries inside (the escalation outbox decides when to try again, and
 * records each attempt first). The outcome is classified, never thrown.
 */
import type { OutgoingMail } from '../domain/escalation/escalationMail';

export type MailOutcome =
  /** The mail service accepted it (Graph: 202). Only this counts as sent. */
  | { kind: 'accepted' }
  /** Throttled, unavailable, timed out or unreachable: try again (after `retryAfterMs` when given). */
  | { kind: 'retry'; status: number; code?: string; retryAfterMs?: number }
  /** Refused for a reason that will not change by asking again (bad request, no permission, no mailbox). */
  | { kind: 'rejected'; status: number; code?: string };

export interface Mailer {
  /** Which adapter this is, for logs and the health check. */
  readonly kind: 'graph' | 'demo';
  send(mail: OutgoingMail): Promise<MailOutcome>;
}
