/**
 * The built bot with Bot Framework authentication on in both directions, as in production: Teams' posts must
 * carry a channel token signed with a key the channel publishes, and the bot's replies must carry a token it got
 * from its login host for the connector's audience. The channel's metadata, the login host and the connector are
 * stand-ins on 127.0.0.1; the connector refuses a send without a token the login host issued, as Teams does.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import { DEMO_TENANT_ID } from '../../src/config/env';
import { installActivity, testUser } from '../support/activities';
import { postActivity, startBot, tempDataDir, type BotProcess } from '../support/botProcess';
import { channelToken, signingKey, startChannelMetadata } from '../support/channelTokens';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { StandInServer } from '../support/standInServer';
import { TokenEndpoint } from '../support/tokenEndpoint';

const BOT_ID = '7a1c2e3f-0b4d-4e5f-8a9b-0c1d2e3f4a5b';
const BOT_PASSWORD = 'bot-client-secret-for-the-stand-in';
/** The audience of every token the connector accepts (Bot Framework's public cloud). */
const CONNECTOR_AUDIENCE = 'https://api.botframework.com';

function claimsOf(authorization: string): Record<string, unknown> {
  const token = authorization.replace(/^Bearer /, '');
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('Bot Framework authentication both ways (BOT_ID, BOT_PASSWORD and the login host set)', function () {
  this.timeout(30_000);
  const trusted = signingKey('channel-key');
  const stranger = signingKey('stranger-key');
  let channel: StandInServer;
  let login: StandInServer;
  let tokens: TokenEndpoint;
  let connector: ConnectorStandIn;
  let bot: BotProcess;
  let dataDir: string;

  before(async () => {
    const metadata = await startChannelMetadata([trusted]);
    channel = metadata.server;
    login = await StandInServer.start({ tls: true });
    // The bot's own app registration: an app-only token with no Graph roles.
    tokens = new TokenEndpoint(
      login,
      { tenantId: DEMO_TENANT_ID, clientId: BOT_ID, clientSecret: BOT_PASSWORD },
      { roles: [] },
    );
    connector = await ConnectorStandIn.start({
      requireToken: {
        audience: CONNECTOR_AUDIENCE,
        verify: (authorization) =>
          tokens.isIssued(authorization) &&
          tokens.scopeOf(authorization) === `${CONNECTOR_AUDIENCE}/.default`,
      },
    });
    dataDir = tempDataDir();
    bot = await startBot({
      DATA_DIR: dataDir,
      BOT_ID,
      BOT_PASSWORD,
      TENANT_ID: DEMO_TENANT_ID,
      BOT_OPENID_METADATA: metadata.metadataUrl,
      BOT_AUTHORITY_HOST: login.url,
    });
  });

  after(async () => {
    await bot?.stop();
    await connector?.close();
    await login?.close();
    await channel?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function signedInstall(key = trusted) {
    const install = installActivity(testUser(), { serviceUrl: connector.serviceUrl });
    const token = channelToken(key, BOT_ID, { serviceurl: connector.serviceUrl });
    return { install, headers: { Authorization: `Bearer ${token}` } };
  }

  it("answers a signed install with a reply that carries a token from the bot's login host for the connector", async () => {
    const { install, headers } = signedInstall();
    expect((await postActivity(bot, install, headers)).status).to.equal(200);
    await connector.waitFor((r) => r.some((x) => x.conversationId === install.conversation!.id));

    const [send] = connector.server.requestsTo(/\/activities/, 'POST');
    expect(send!.status).to.equal(201);
    const authorization = String(send!.headers.authorization);
    expect(tokens.isIssued(authorization), 'issued by the login host').to.equal(true);
    expect(claimsOf(authorization)).to.include({
      aud: CONNECTOR_AUDIENCE,
      appid: BOT_ID,
      tid: DEMO_TENANT_ID,
    });
    // Client credentials for the bot's app in its tenant, for the connector's scope; nothing else asked.
    const asked = login.requestsTo(/\/oauth2\/v2\.0\/token$/, 'POST');
    expect(asked.map((r) => r.path)).to.deep.equal([`/${DEMO_TENANT_ID}/oauth2/v2.0/token`]);
    expect(asked[0]!.body).to.include({
      grant_type: 'client_credentials',
      client_id: BOT_ID,
      scope: `${CONNECTOR_AUDIENCE}/.default`,
    });
    expect(connector.refused.unauthorized).to.equal(0);
  });

  it('refuses a post signed by a key the channel does not publish with 401, and sends nothing for it', async () => {
    const forged = signedInstall(stranger);
    const response = await postActivity(bot, forged.install, forged.headers);
    expect(response.status).to.equal(401);

    // A genuine post after it: once its reply is in, anything the refused one could have caused is in too.
    const genuine = signedInstall();
    expect((await postActivity(bot, genuine.install, genuine.headers)).status).to.equal(200);
    await connector.waitFor((r) => r.some((x) => x.conversationId === genuine.install.conversation!.id));
    expect(connector.activitiesIn(forged.install.conversation!.id)).to.deep.equal([]);
    expect(
      connector.server.requestsTo(new RegExp(`/conversations/${forged.install.conversation!.id}/`)),
    ).to.deep.equal([]);
  });

  it('the connector refuses a send without a token, or with one the login host did not issue, with 401', async () => {
    const post = (authorization?: string) =>
      fetch(`${connector.serviceUrl}v3/conversations/a:someone/activities`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body: JSON.stringify({ type: 'message', text: 'hi' }),
      });
    const forged = channelToken(stranger, CONNECTOR_AUDIENCE, { appid: BOT_ID });
    const statuses = [(await post()).status, (await post(`Bearer ${forged}`)).status];
    expect(statuses).to.deep.equal([401, 401]);
    expect(connector.activitiesIn('a:someone')).to.deep.equal([]);
  });
});
