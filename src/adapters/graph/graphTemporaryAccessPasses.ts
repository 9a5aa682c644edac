/**
 * Temporary Access Passes on Microsoft Graph: `POST /users/{id}/authentication/temporaryAccessPassMethods`
 * (application permission UserAuthenticationMethod.ReadWrite.All). A desk member is waiting, so the call is
 * interactive; it is not an identity-reports endpoint, so it takes nothing from that budget. A retried POST
 * after a lost answer makes a second pass, which replaces the first (a user has one usable pass at most), so
 * the pass shown is always the one that works.
 *
 * Graph's refusals are told apart for the desk: 403 without the permission, 400/403 naming the
 * authentication methods policy when Temporary Access Pass is switched off, 400 naming the lifetime when
 * the tenant's policy does not allow it, 404 for an unknown user. The pass is in the answer's body once and
 * goes nowhere but the returned outcome (the requester logs failures only, never bodies).
 */
import type { Logger } from '../../logging/logger';
import {
  passExpiry,
  type PassOutcome,
  type PassRefusalReason,
  type PassRequest,
  type TemporaryAccessPassIssuer,
} from '../../ports/temporaryAccessPasses';
import { GraphRequestError, type GraphCallOptions, type GraphRequester } from './graphRequests';

/** Graph's answer to the create (v1.0 temporaryAccessPassAuthenticationMethod). */
interface CreatedPass {
  id?: string;
  temporaryAccessPass?: unknown;
  createdDateTime?: string;
  startDateTime?: string;
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
}

const call: GraphCallOptions = { priority: 'interactive', budgeted: false };

/**
 * Why Graph refused, from its status, error code and message. The lifetime is looked for before the policy:
 * a lifetime refusal may name the policy too.
 */
export function passRefusalOf(status: number, code: string | undefined, message: string): PassRefusalReason {
  if (status === 404) return 'userNotFound';
  if (status === 400 || status === 403) {
    if (/lifetime/i.test(message)) return 'lifetimeOutsidePolicy';
    if (/polic(y|ies)/i.test(message)) return 'disabledByPolicy';
    if (status === 403 || code === 'Authorization_RequestDenied') return 'noPermission';
  }
  return 'unavailable';
}

export class GraphTemporaryAccessPasses implements TemporaryAccessPassIssuer {
  readonly kind = 'graph' as const;

  constructor(
    private readonly requests: GraphRequester,
    private readonly log: Logger,
  ) {}

  async issue(userId: string, request: PassRequest): Promise<PassOutcome> {
    let created: CreatedPass | undefined;
    try {
      created = await this.requests.post<CreatedPass>(
        `/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`,
        { isUsableOnce: request.usableOnce, lifetimeInMinutes: request.lifetimeMinutes },
        call,
      );
    } catch (error) {
      if (!(error instanceof GraphRequestError)) {
        this.log.warn({ userId, error: (error as Error).name }, 'temporary access pass request failed');
        return { kind: 'refused', reason: 'unavailable' };
      }
      const reason = passRefusalOf(error.status, error.code, error.message);
      this.log.warn(
        { userId, status: error.status, code: error.code, reason },
        'temporary access pass refused by Graph',
      );
      return { kind: 'refused', reason };
    }
    const pass = created?.temporaryAccessPass;
    if (typeof pass !== 'string' || pass.length === 0) {
      this.log.warn(
        { userId, methodId: created?.id },
        'temporary access pass created without a pass in the answer',
      );
      return { kind: 'refused', reason: 'unavailable' };
    }
    const startsAt =
      validTime(created?.startDateTime) ?? validTime(created?.createdDateTime) ?? new Date().toISOString();
    const lifetime =
      typeof created?.lifetimeInMinutes === 'number' ? created.lifetimeInMinutes : request.lifetimeMinutes;
    return {
      kind: 'issued',
      pass,
      startsAt,
      expiresAt: passExpiry(startsAt, lifetime),
      usableOnce: typeof created?.isUsableOnce === 'boolean' ? created.isUsableOnce : request.usableOnce,
    };
  }
}

/** An ISO time from Graph, normalised; undefined when absent or unreadable. */
function validTime(value: string | undefined): string | undefined {
  const ms = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
