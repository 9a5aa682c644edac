/**
 * A stand-in for Entra's side of a Teams tab's single sign-on: the tenant's signing keys published over HTTPS
 * where the bot looks for them (AZURE_AUTHORITY_HOST/<tenant>/discovery/v2.0/keys), and tokens signed with
 * them as Teams' getAuthToken returns them (v2 issuer, the app's audience, the user's oid, `access_as_user`).
 */
import { loadConfig, type AppConfig } from '../../../src/config/env';
import { channelToken, signingKey, type SigningKey } from '../channelTokens';
import { StandInServer } from '../standInServer';

export const TAB_TENANT = '5c4f0d3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f';
export const OTHER_TENANT = '0b0b0b0b-1111-4222-8333-444444444444';
export const TAB_APP_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3302';

export interface TabIdentity {
  server: StandInServer;
  /** AZURE_AUTHORITY_HOST for the bot. */
  authorityHost: string;
  /** A token as Teams would give the tab for `userId`; `claims` add to or override the usual ones. */
  token(userId: string, claims?: Record<string, unknown>): string;
  /** A token signed with a key the tenant does not publish. */
  forged(userId: string): string;
  close(): Promise<void>;
}

export async function startTabIdentity(tenantId = TAB_TENANT): Promise<TabIdentity> {
  const published = signingKey('tab-key-1');
  const unpublished: SigningKey = signingKey('tab-key-1');
  const server = await StandInServer.start({ tls: true });
  server.route('GET', `/${tenantId}/discovery/v2.0/keys`, () => ({
    status: 200,
    body: { keys: [published.jwk] },
  }));
  const authorityHost = server.url;
  const claimsFor = (userId: string) => ({
    iss: `${authorityHost}/${tenantId}/v2.0`,
    tid: tenantId,
    oid: userId,
    scp: 'access_as_user',
    iat: Math.floor(Date.now() / 1000) - 60,
    ver: '2.0',
  });
  return {
    server,
    authorityHost,
    token: (userId, claims = {}) => channelToken(published, TAB_APP_ID, { ...claimsFor(userId), ...claims }),
    forged: (userId) => channelToken(unpublished, TAB_APP_ID, claimsFor(userId)),
    close: () => server.close(),
  };
}

/** The bot's configuration with its tab signed in through `identity` (no campaign scheduler); `extra` adds to it. */
export function tabAppConfig(
  identity: TabIdentity,
  dataDir: string,
  extra: Record<string, string> = {},
): AppConfig {
  return loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    BOT_ID: TAB_APP_ID,
    BOT_PASSWORD: 'not-used-here',
    TENANT_ID: TAB_TENANT,
    AZURE_AUTHORITY_HOST: identity.authorityHost,
    NUDGE_SCHEDULER: 'off',
    SUPPORT_CODE_KEY: 'ab'.repeat(32),
    ...extra,
  });
}
