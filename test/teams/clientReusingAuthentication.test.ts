import { expect } from 'chai';
import { expectRejection } from '../support/expectRejection';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type UserTokenClient,
} from 'botframework-connector';
import { testUser, textActivity } from '../support/activities';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { ClientReusingAuthentication } from '../../src/teams/clientReusingAuthentication';

class CountingFactory extends ConnectorFactory {
  constructor(private readonly auth: CountingAuthentication) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    this.auth.connectorCreates.push(`${serviceUrl} ${audience ?? ''}`);
    if (this.auth.failNextCreate) {
      this.auth.failNextCreate = false;
      return Promise.reject(new Error('token endpoint unreachable'));
    }
    // Identity is all the cache looks at.
    return Promise.resolve({ baseUri: serviceUrl } as unknown as ConnectorClient);
  }
}

/** An authentication whose clients are counted, and whose connector creation can be made to fail. */
class CountingAuthentication extends BotFrameworkAuthentication {
  connectorCreates: string[] = [];
  userTokenCreates = 0;
  failNextCreate = false;

  private factory(): ConnectorFactory {
    return new CountingFactory(this);
  }

  authenticateRequest(): Promise<AuthenticateRequestResult> {
    return Promise.resolve({
      audience: 'aud',
      claimsIdentity: claimsFor('app-1'),
      connectorFactory: this.factory(),
    });
  }
  authenticateStreamingRequest(): Promise<AuthenticateRequestResult> {
    return this.authenticateRequest();
  }
  createConnectorFactory(): ConnectorFactory {
    return this.factory();
  }
  createUserTokenClient(): Promise<UserTokenClient> {
    this.userTokenCreates += 1;
    return Promise.resolve({} as UserTokenClient);
  }
}

function claimsFor(appId: string): ClaimsIdentity {
  return new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: appId }], true);
}

describe('ClientReusingAuthentication', () => {
  describe('with the CloudAdapter, talking to two connector stand-ins', () => {
    let uk: ConnectorStandIn;
    let emea: ConnectorStandIn;
    before(async () => {
      uk = await ConnectorStandIn.start();
      emea = await ConnectorStandIn.start();
    });
    after(async () => {
      await uk.close();
      await emea.close();
    });

    it('builds one connector client per service URL and every concurrent turn still gets its reply', async () => {
      const adapter = new CloudAdapter(
        new ClientReusingAuthentication(
          new ConfigurationBotFrameworkAuthentication({ MicrosoftAppType: 'MultiTenant' }),
        ),
      );
      const clients = new Set<unknown>();
      const turns = Array.from({ length: 20 }, (_, i) => {
        const serviceUrl = i % 2 === 0 ? uk.serviceUrl : emea.serviceUrl;
        const activity = {
          ...textActivity(testUser(`Pupil ${i}`), `turn ${i}`, { serviceUrl }),
          id: `turn-${i}`,
        } as Activity;
        return adapter.processActivityDirect('', activity, async (context) => {
          clients.add(context.turnState.get(adapter.ConnectorClientKey));
          await context.sendActivity(`reply ${i}`);
        });
      });
      await Promise.all(turns);

      expect(clients.size).to.equal(2);
      const texts = (standIn: ConnectorStandIn) =>
        standIn.received
          .map((r) => r.activity.text)
          .sort((a, b) => a!.localeCompare(b!, 'en', { numeric: true }));
      expect(texts(uk)).to.deep.equal([0, 2, 4, 6, 8, 10, 12, 14, 16, 18].map((i) => `reply ${i}`));
      expect(texts(emea)).to.deep.equal([1, 3, 5, 7, 9, 11, 13, 15, 17, 19].map((i) => `reply ${i}`));
    });
  });

  it('shares a client between the inbound factory and proactive factories for the same app and URL', async () => {
    const inner = new CountingAuthentication();
    const auth = new ClientReusingAuthentication(inner);
    const inbound = (await auth.authenticateRequest({} as Activity, '')).connectorFactory!;
    const fromTurn = await inbound.create('https://smba.example/uk/', 'aud');
    const proactive = await auth
      .createConnectorFactory(claimsFor('app-1'))
      .create('https://smba.example/uk/', 'aud');
    const otherApp = await auth
      .createConnectorFactory(claimsFor('app-2'))
      .create('https://smba.example/uk/', 'aud');
    const otherAudience = await inbound.create('https://smba.example/uk/', 'other');

    expect(proactive).to.equal(fromTurn);
    expect(otherApp).to.not.equal(fromTurn);
    expect(otherAudience).to.not.equal(fromTurn);
    expect(inner.connectorCreates).to.have.length(3);
  });

  it('does not keep a failed build: the next turn tries again', async () => {
    const inner = new CountingAuthentication();
    const auth = new ClientReusingAuthentication(inner);
    const factory = auth.createConnectorFactory(claimsFor('app-1'));
    inner.failNextCreate = true;
    await expectRejection(factory.create('https://smba.example/uk/'), 'token endpoint unreachable');

    const client = await factory.create('https://smba.example/uk/');
    expect(client).to.deep.equal({ baseUri: 'https://smba.example/uk/' });
    expect(await factory.create('https://smba.example/uk/')).to.equal(client);
    expect(inner.connectorCreates).to.have.length(2);
  });

  it('keeps at most 100 connector clients, dropping the longest unused', async () => {
    const inner = new CountingAuthentication();
    const factory = new ClientReusingAuthentication(inner).createConnectorFactory(claimsFor('app-1'));
    const first = await factory.create('https://smba.example/0/');
    for (let i = 1; i <= 99; i++) await factory.create(`https://smba.example/${i}/`);
    expect(await factory.create('https://smba.example/0/')).to.equal(first); // now the most recently used
    await factory.create('https://smba.example/100/'); // evicts /1/, the longest unused
    expect(await factory.create('https://smba.example/0/')).to.equal(first);
    const creates = inner.connectorCreates.length;
    await factory.create('https://smba.example/1/');
    expect(inner.connectorCreates).to.have.length(creates + 1);
  });

  it('builds one user token client per app id', async () => {
    const inner = new CountingAuthentication();
    const auth = new ClientReusingAuthentication(inner);
    const a = await auth.createUserTokenClient(claimsFor('app-1'));
    expect(await auth.createUserTokenClient(claimsFor('app-1'))).to.equal(a);
    await auth.createUserTokenClient(claimsFor('app-2'));
    expect(inner.userTokenCreates).to.equal(2);
  });
});
