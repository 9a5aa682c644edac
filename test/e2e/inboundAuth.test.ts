import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import { DEMO_TENANT_ID } from '../../src/config/env';
import { executeActivity, testUser } from '../support/activities';
import { postActivity, startBot, tempDataDir, type BotProcess } from '../support/botProcess';
import { channelToken, signingKey, startChannelMetadata, type SigningKey } from '../support/channelTokens';
import { send } from '../support/rawHttp';
import type { StandInServer } from '../support/standInServer';

const BOT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

function jwt(key: SigningKey, claims: Record<string, unknown>): string {
  return channelToken(key, BOT_ID, claims);
}

describe('inbound Bot Framework authentication (BOT_ID set)', () => {
  const trusted = signingKey('trusted-key');
  const stranger = signingKey('stranger-key');
  let metadata: StandInServer;
  let bot: BotProcess;
  let dataDir: string;
  const serviceUrl = 'https://smba.trafficmanager.net/uk/';

  before(async () => {
    // The channel's OpenID metadata and keys, served over HTTPS like login.botframework.com.
    const channel = await startChannelMetadata([trusted]);
    metadata = channel.server;
    dataDir = tempDataDir();
    bot = await startBot({
      DATA_DIR: dataDir,
      BOT_ID,
      BOT_PASSWORD: 'unused-because-invokes-answer-in-the-response',
      TENANT_ID: DEMO_TENANT_ID,
      BOT_OPENID_METADATA: channel.metadataUrl,
    });
  });

  after(async () => {
    await bot.stop();
    await metadata.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function invoke() {
    return executeActivity(testUser(), 'guide.start', { verb: 'guide.start' }, { serviceUrl });
  }

  it('accepts a correctly signed channel token and answers', async () => {
    const token = jwt(trusted, { serviceurl: serviceUrl });
    const response = await postActivity(bot, invoke(), { Authorization: `Bearer ${token}` });
    expect(response.status).to.equal(200);
    expect(response.body).to.contain('Choose your first method');
  });

  const refused: [string, () => string][] = [
    ['no token', () => ''],
    ['a token signed by an unknown key', () => jwt(stranger, { serviceurl: serviceUrl })],
    ['a token for another bot', () => jwt(trusted, { serviceurl: serviceUrl, aud: crypto.randomUUID() })],
    ['an expired token', () => jwt(trusted, { serviceurl: serviceUrl, exp: 1_000_000, nbf: 900_000 })],
    [
      'a token from another issuer',
      () => jwt(trusted, { serviceurl: serviceUrl, iss: 'https://evil.example' }),
    ],
    ['a token for another service URL', () => jwt(trusted, { serviceurl: 'https://evil.example/' })],
  ];
  for (const [what, token] of refused) {
    it(`refuses ${what} with 401 and no answer`, async () => {
      const value = token();
      const response = await postActivity(bot, invoke(), value ? { Authorization: `Bearer ${value}` } : {});
      expect(response.status).to.equal(401);
      expect(response.body).to.not.contain('Choose your first method');
    });
  }

  // Last: it shuts out 127.0.0.2 for the rest of the bot's minute.
  it('shuts out an address that keeps sending bad tokens, with 429 and Retry-After; the channel is still served', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 35; i += 1) {
      last = await send(bot.port, {
        method: 'POST',
        path: '/api/messages',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer not-a-jwt' },
        body: JSON.stringify(invoke()),
        localAddress: '127.0.0.2',
      });
      statuses.push(last.status);
    }
    expect(statuses).to.deep.equal([...Array<number>(31).fill(401), ...Array<number>(4).fill(429)]);
    expect(Number(last!.headers['retry-after'])).to.be.within(1, 60);

    const token = jwt(trusted, { serviceurl: serviceUrl });
    const genuine = await postActivity(bot, invoke(), { Authorization: `Bearer ${token}` });
    expect(genuine.status).to.equal(200);
    const limited = await bot.logLines('client rate-limited');
    expect(limited).to.have.length(1);
    expect(JSON.parse(limited[0]!)).to.include({ client: '127.0.0.2', limit: 'refused' });
  });
});
