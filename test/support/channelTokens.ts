/**
 * The Bot Framework channel's side of inbound authentication: OpenID metadata and signing keys served over
 * HTTPS like login.botframework.com, and tokens signed with them as Teams signs what it posts to the bot.
 */
import crypto from 'node:crypto';
import { StandInServer } from './standInServer';

export const CHANNEL_ISSUER = 'https://api.botframework.com';

export interface SigningKey {
  kid: string;
  privateKey: crypto.KeyObject;
  /** The public key as published, with the `msteams` endorsement as the real one has. */
  jwk: Record<string, unknown>;
}

export function signingKey(kid: string): SigningKey {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...publicKey.export({ format: 'jwk' }),
    kid,
    use: 'sig',
    alg: 'RS256',
    endorsements: ['msteams'],
  };
  return { kid, privateKey, jwk };
}

/** A channel token for `botId`, valid for an hour; `claims` add to or override the usual ones. */
export function channelToken(key: SigningKey, botId: string, claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${encode({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${encode({
    iss: CHANNEL_ISSUER,
    aud: botId,
    nbf: now - 60,
    exp: now + 3600,
    ...claims,
  })}`;
  return `${body}.${crypto.sign('RSA-SHA256', Buffer.from(body), key.privateKey).toString('base64url')}`;
}

/** Serves the channel's OpenID metadata publishing `keys`; the bot reads it from BOT_OPENID_METADATA. */
export async function startChannelMetadata(
  keys: readonly SigningKey[],
): Promise<{ server: StandInServer; metadataUrl: string }> {
  const server = await StandInServer.start({ tls: true });
  server.route('GET', '/v1/.well-known/openidconfiguration', () => ({
    status: 200,
    body: {
      issuer: CHANNEL_ISSUER,
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: `${server.url}/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    },
  }));
  server.route('GET', '/v1/.well-known/keys', () => ({
    status: 200,
    body: { keys: keys.map((k) => k.jwk) },
  }));
  return { server, metadataUrl: `${server.url}/v1/.well-known/openidconfiguration` };
}
