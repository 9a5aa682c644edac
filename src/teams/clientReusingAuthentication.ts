/**
 * Bot Framework authentication that builds each outbound client once instead of once per turn.
 *
 * CloudAdapter asks its authentication for a new ConnectorClient and a new UserTokenClient on every turn,
 * and each is an Azure SDK service client with its own request pipeline: building the two is about a tenth
 * of what a whole turn costs (measured in `bench/turnThroughput.ts`). Azure SDK clients are made to be
 * shared between concurrent requests, their credentials cache and refresh tokens by themselves, and the
 * older BotFrameworkAdapter kept connector clients per service URL in the same way. Everything else
 * (inbound JWT checks, caller ids, skills) is the wrapped authentication's.
 */
import { LRUCache } from 'lru-cache';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';

/** Service URLs × audiences a bot talks to: Teams has a handful of regions; the cap only bounds misuse. */
const MAX_CLIENTS = 100;

/** The app id the channel's token was issued to, as botbuilder reads it (anonymous without auth). */
function appIdOf(claims: ClaimsIdentity): string {
  return (
    claims.getClaimValue(AuthenticationConstants.AudienceClaim) ??
    claims.getClaimValue(AuthenticationConstants.AppIdClaim) ??
    ''
  );
}

/** Keeps the `max` most recently used clients; a failed build is not kept (the next turn builds again). */
class ClientCache<T> {
  private readonly entries: LRUCache<string, Promise<T>>;

  constructor(max: number) {
    this.entries = new LRUCache({ max });
  }

  get(key: string, build: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      const built = build();
      built.catch(() => {
        if (this.entries.get(key) === built) this.entries.delete(key);
      });
      this.entries.set(key, built);
      entry = built;
    }
    return entry;
  }
}

/** A connector factory that hands out the shared client for its app id, service URL and audience. */
class SharedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly clients: ClientCache<ConnectorClient>,
    private readonly prepare?: (client: ConnectorClient) => void,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = `${this.appId}\n${serviceUrl}\n${audience ?? ''}`;
    return this.clients.get(key, async () => {
      const client = await this.inner.create(serviceUrl, audience);
      this.prepare?.(client);
      return client;
    });
  }
}

export class ClientReusingAuthentication extends BotFrameworkAuthentication {
  private readonly connectorClients = new ClientCache<ConnectorClient>(MAX_CLIENTS);
  private readonly userTokenClients = new ClientCache<UserTokenClient>(MAX_CLIENTS);

  /** `prepare` is called once on each connector client built (before its first use). */
  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly prepare?: (client: ConnectorClient) => void,
  ) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.shared(await this.inner.authenticateRequest(activity, authHeader));
  }

  async authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.shared(await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.sharedFactory(this.inner.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(appIdOf(claimsIdentity), () =>
      this.inner.createUserTokenClient(claimsIdentity),
    );
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private shared(result: AuthenticateRequestResult): AuthenticateRequestResult {
    if (!result.connectorFactory) return result;
    return {
      ...result,
      connectorFactory: this.sharedFactory(result.connectorFactory, result.claimsIdentity),
    };
  }

  private sharedFactory(inner: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new SharedConnectorFactory(inner, appIdOf(claimsIdentity), this.connectorClients, this.prepare);
  }
}
