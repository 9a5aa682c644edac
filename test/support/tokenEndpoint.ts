/**
 * A stand-in for the Microsoft identity platform's client-credentials flow, enough for @azure/identity's
 * ClientSecretCredential (with `disableInstanceDiscovery`): the tenant's OpenID configuration and the
 * v2.0 token endpoint, for Graph's app or the bot's. Tokens are shaped like Entra's app-only tokens (a JWT whose `roles` claim lists
 * the application permissions granted; the signature is random, nothing here checks it); `isIssued` and
 * `rolesOf` let other stand-ins check them.
 */
import crypto from 'node:crypto';
import type { StandInRequest, StandInServer } from './standInServer';

export interface AppCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** Every application permission the bot asks for: what an admin who consented to all of them grants. */
export const GRAPH_APP_ROLES: readonly string[] = [
  'AuditLog.Read.All',
  'UserAuthenticationMethod.Read.All',
  // The desk's Temporary Access Pass (on in the sample policy).
  'UserAuthenticationMethod.ReadWrite.All',
  'User.Read.All',
  'GroupMember.Read.All',
  'TeamsAppInstallation.ReadWriteSelfForUser.All',
  'AppCatalog.Read.All',
  'Mail.Send',
];

export class TokenEndpoint {
  private readonly issued = new Map<string, { scope: string; expiresAt: number; roles: readonly string[] }>();
  tokenRequests = 0;
  /** The application permissions granted to the app: tokens issued from now on carry these. */
  roles: readonly string[];

  constructor(
    private readonly server: StandInServer,
    private readonly app: AppCredentials,
    options: { roles?: readonly string[] } = {},
  ) {
    this.roles = options.roles ?? GRAPH_APP_ROLES;
    server.route('GET', '/:tenant/v2.0/.well-known/openid-configuration', (req) =>
      this.openIdConfiguration(req),
    );
    server.route('POST', '/:tenant/oauth2/v2.0/token', (req) => this.token(req));
  }

  /** True when `authorization` is "Bearer <a token this endpoint issued and that has not expired>". */
  isIssued(authorization: string | undefined): boolean {
    const token = authorization?.replace(/^Bearer /, '');
    const entry = token ? this.issued.get(token) : undefined;
    return !!entry && entry.expiresAt > Date.now();
  }

  /** The scope a token was issued for; undefined for a token this endpoint did not issue. */
  scopeOf(authorization: string | undefined): string | undefined {
    const token = authorization?.replace(/^Bearer /, '');
    return token ? this.issued.get(token)?.scope : undefined;
  }

  /** The roles a token carried when issued (what Graph authorises a request by); empty for an unknown one. */
  rolesOf(authorization: string | undefined): readonly string[] {
    const token = authorization?.replace(/^Bearer /, '');
    return (token ? this.issued.get(token)?.roles : undefined) ?? [];
  }

  private openIdConfiguration(req: StandInRequest) {
    const base = `${this.server.url}/${req.params.tenant}`;
    return {
      status: 200,
      body: {
        issuer: `${this.server.url}/${this.app.tenantId}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
      },
    };
  }

  private token(req: StandInRequest) {
    this.tokenRequests += 1;
    const form = (req.body ?? {}) as Record<string, string>;
    if (req.params.tenant !== this.app.tenantId) {
      return {
        status: 400,
        body: { error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.' },
      };
    }
    if (form.grant_type !== 'client_credentials' || form.client_id !== this.app.clientId) {
      return {
        status: 400,
        body: { error: 'unauthorized_client', error_description: 'AADSTS700016: unknown client.' },
      };
    }
    if (form.client_secret !== this.app.clientSecret) {
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret.' },
      };
    }
    const token = this.jwt(form.scope);
    this.issued.set(token, {
      scope: form.scope ?? '',
      expiresAt: Date.now() + 3_600_000,
      roles: [...this.roles],
    });
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token },
    };
  }

  /**
   * An app-only access token's shape: its audience is the resource the scope names (`<resource>/.default`), and
   * Entra leaves `roles` out when nothing is granted.
   */
  private jwt(scope: string | undefined): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = { typ: 'JWT', alg: 'RS256', kid: 'stand-in' };
    const claims = {
      aud: scope?.replace(/\/\.default$/, '') || 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${this.app.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      appid: this.app.clientId,
      idtyp: 'app',
      tid: this.app.tenantId,
      uti: crypto.randomBytes(16).toString('base64url'),
      ...(this.roles.length > 0 ? { roles: [...this.roles] } : {}),
    };
    return `${encode(header)}.${encode(claims)}.${crypto.randomBytes(32).toString('base64url')}`;
  }
}
