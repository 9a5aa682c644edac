/**
 * The Mailer on Microsoft Graph: `POST /users/{sender}/sendMail`, app-only (Mail.Send, which the tenant
 * scopes to the desk mailbox with RBAC for Applications). One request per call and no retries here: the
 * escalation outbox records each attempt before it and decides about the next.
 *
 * The message carries `internetMessageId` (writable while a message is a draft, which a sendMail message
 * is), so every attempt for one escalation has the same Message-ID and a duplicate after a lost response
 * can be recognised by the mail system or the ticketing tool.
 */
import { ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import type { OutgoingMail } from '../../domain/escalation/escalationMail';
import type { Logger } from '../../logging/logger';
import type { Mailer, MailOutcome } from '../../ports/mailer';
import { isGraphTimeout } from './graphClient';
import { retryAfterMs } from './graphRequests';

/** Worth another attempt: throttling, Graph or Exchange busy, and the mailbox's concurrency limit. */
const RETRYABLE = new Set([408, 412, 429, 500, 502, 503, 504]);

/** The sendMail request body for `mail`. */
export function sendMailBody(mail: OutgoingMail): Record<string, unknown> {
  return {
    message: {
      subject: mail.subject,
      body: { contentType: 'HTML', content: mail.html },
      toRecipients: [{ emailAddress: { address: mail.to } }],
      ...(mail.replyTo
        ? { replyTo: [{ emailAddress: { address: mail.replyTo.address, name: mail.replyTo.name } }] }
        : {}),
      internetMessageId: mail.internetMessageId,
      internetMessageHeaders: mail.headers,
      ...(mail.importance ? { importance: mail.importance } : {}),
    },
    saveToSentItems: true,
  };
}

function errorCodeOf(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

export class GraphMailer implements Mailer {
  readonly kind = 'graph' as const;

  /** `client` is built with `maxRetries: 0` (the outbox retries) and no identity-reports budget. */
  constructor(
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  async send(mail: OutgoingMail): Promise<MailOutcome> {
    try {
      const response = (await this.client
        .api(`/users/${encodeURIComponent(mail.sender)}/sendMail`)
        .responseType(ResponseType.RAW)
        .post(sendMailBody(mail))) as Response;
      const text = await response.text();
      if (response.status === 202) return { kind: 'accepted' };
      const code = errorCodeOf(text);
      if (response.ok) {
        // A 200 or 204 is not what Graph documents for sendMail: do not count it as sent, and say so.
        this.log.warn({ status: response.status }, 'sendMail answered with an unexpected success status');
        return { kind: 'retry', status: response.status, code };
      }
      if (RETRYABLE.has(response.status)) {
        return {
          kind: 'retry',
          status: response.status,
          code,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        };
      }
      return { kind: 'rejected', status: response.status, code };
    } catch (error) {
      if (isGraphTimeout(error)) return { kind: 'retry', status: 0, code: 'Timeout' };
      const message = error instanceof Error ? error.message : String(error);
      // A refused token (wrong secret, no consent) will not improve by itself, but an admin can fix it while
      // we wait: keep retrying on the slow schedule rather than dropping a pupil's request.
      const auth = /AADSTS|invalid_client|unauthorized_client|CredentialUnavailable/i.test(message);
      return { kind: 'retry', status: 0, code: auth ? 'TokenError' : 'NetworkError' };
    }
  }
}
