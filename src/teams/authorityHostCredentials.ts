/**
 * The bot's outbound Bot Framework credentials from a login host other than the public cloud's (a sovereign
 * cloud, a test stand-in). botbuilder's own credentials build an MSAL client that first asks
 * login.microsoftonline.com for instance metadata, which such a host cannot answer, and that waits forever on a
 * dead network; these take the token from the configured host with @azure/identity, time-boxed, and leave
 * caching and signing each request to botbuilder's AppCredentials.
 */
import type { TokenCredential } from '@azure/identity';
import {
  AppCredentials,
  type AuthenticatorResult,
  MicrosoftAppCredentials,
  ServiceClientCredentialsFactory,
  type ServiceClientCredentials,
} from 'botframework-connector';
import { graphCredential } from '../adapters/graph/graphClient';

/** A token for one audience (the connector's, by default `https://api.botframework.com`). */
class ClientSecretAppCredentials extends AppCredentials {
  constructor(
    appId: string,
    tenantId: string,
    audience: string,
    private readonly credential: TokenCredential,
  ) {
    super(appId, tenantId, audience);
  }

  protected async refreshToken(): Promise<AuthenticatorResult> {
    const scope = this.oAuthScope.endsWith('/.default') ? this.oAuthScope : `${this.oAuthScope}/.default`;
    const token = await this.credential.getToken(scope);
    if (!token) throw new Error('Authentication: the login host returned no token');
    return { accessToken: token.token, expiresOn: new Date(token.expiresOnTimestamp) };
  }
}

export class AuthorityHostCredentialsFactory extends ServiceClientCredentialsFactory {
  private readonly credential: TokenCredential;

  constructor(
    private readonly appId: string,
    password: string,
    private readonly tenantId: string,
    authorityHost: string,
  ) {
    super();
    // The same time-boxed client-secret credential as Graph's, asked for the connector's scope instead.
    this.credential = graphCredential({ tenantId, clientId: appId, clientSecret: password, authorityHost });
  }

  isValidAppId(appId: string): Promise<boolean> {
    return Promise.resolve(appId === this.appId);
  }

  isAuthenticationDisabled(): Promise<boolean> {
    return Promise.resolve(!this.appId);
  }

  createCredentials(appId: string, audience: string | undefined): Promise<ServiceClientCredentials> {
    if (!this.appId) return Promise.resolve(MicrosoftAppCredentials.Empty);
    if (appId !== this.appId) return Promise.reject(new Error('Invalid appId.'));
    if (!audience) return Promise.reject(new Error('Authentication: no audience for the outbound token'));
    return Promise.resolve(new ClientSecretAppCredentials(appId, this.tenantId, audience, this.credential));
  }
}
