/**
 * The IT tab's sign-in: a Teams single sign-on token (Authorization: Bearer …) is accepted only when Entra
 * signed it with a key it publishes for the school's tenant (under AZURE_AUTHORITY_HOST, so tests use a
 * stand-in), it was issued by that tenant's v2 endpoint for this app (an audience in `config.tab.audiences`),
 * it is a user's delegated token for the app's `access_as_user` scope, and it is in date. What it proves is the
 * user's object id; whether they may see figures is IT staff membership, checked by the caller.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Logger } from '../../logging/logger';

export type TabSignInResult =
  | { ok: true; userId: string }
  /** Why not, for the log (never the token). */
  | {
      ok: false;
      reason:
        'noToken' | 'invalid' | 'expired' | 'wrongTenant' | 'notAUser' | 'notConfigured' | 'keysUnavailable';
    };

export interface TabSignInOptions {
  authorityHost: string;
  tenantId: string;
  audiences: readonly string[];
  log: Logger;
  /** How long one fetch of the signing keys may take (default 5 s; jose has no timeout of its own beyond this). */
  keysTimeoutMs?: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The scope a Teams tab's SSO token carries for the app's own API (the app registration exposes it). */
const TAB_SCOPE = 'access_as_user';

export class TabSignIn {
  private readonly keys;
  private readonly issuer: string;

  constructor(private readonly options: TabSignInOptions) {
    const { authorityHost, tenantId } = options;
    this.issuer = `${authorityHost}/${tenantId}/v2.0`;
    // Keys are cached and refetched (at most every 30 s) when a token names a key not seen yet: Entra rolls them.
    this.keys = createRemoteJWKSet(new URL(`${authorityHost}/${tenantId}/discovery/v2.0/keys`), {
      timeoutDuration: options.keysTimeoutMs ?? 5000,
      cooldownDuration: 30_000,
      cacheMaxAge: 24 * 60 * 60_000,
    });
  }

  /** Checks the Authorization header's bearer token. Never throws. */
  async verify(authorization: string | undefined): Promise<TabSignInResult> {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match) return { ok: false, reason: 'noToken' };
    if (this.options.audiences.length === 0) return { ok: false, reason: 'notConfigured' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, this.keys, {
        issuer: this.issuer,
        audience: [...this.options.audiences],
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'tid', 'oid'],
        clockTolerance: 60,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        this.options.log.warn({ err: { name: (error as Error).name } }, 'it tab: signing keys unavailable');
        return { ok: false, reason: 'keysUnavailable' };
      }
      return { ok: false, reason: 'invalid' };
    }
    if (String(payload.tid).toLowerCase() !== this.options.tenantId.toLowerCase())
      return { ok: false, reason: 'wrongTenant' };
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    const oid = typeof payload.oid === 'string' ? payload.oid : '';
    // An app-only token has roles and no scp: it is not a person at a screen.
    if (!scopes.includes(TAB_SCOPE) || !GUID.test(oid)) return { ok: false, reason: 'notAUser' };
    return { ok: true, userId: oid.toLowerCase() };
  }
}
