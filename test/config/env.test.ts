import { expect } from 'chai';
import { ConfigError, DEMO_TENANT_ID, loadConfig } from '../../src/config/env';

const GUID = '11111111-2222-4333-8444-555555555555';

function problemsOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration from the environment', () => {
  it('runs with no variables at all: loopback, SQLite, demo tenant', () => {
    const config = loadConfig({});
    expect(config).to.include({
      port: 3978,
      host: '127.0.0.1',
      tenantId: DEMO_TENANT_ID,
      nudgeScheduler: true,
    });
    expect(config.graph).to.equal(undefined);
    expect(config.storage).to.deep.equal({ kind: 'sqlite' });
    expect(config.dataDir).to.match(/data$/);
  });

  it('treats empty values (as Teams Toolkit writes them) as unset', () => {
    const config = loadConfig({ BOT_ID: '', PORT: '', TENANT_ID: ' ' });
    expect(config.port).to.equal(3978);
    expect(config.bot.id).to.equal(undefined);
    expect(config.tenantId).to.equal(DEMO_TENANT_ID);
  });

  it('names the variable and shows the bad value for non-secrets', () => {
    expect(problemsOf({ PORT: 'eighty' })).to.match(/PORT .*\(got "eighty"\)/);
    expect(problemsOf({ TENANT_ID: 'school' })).to.match(/TENANT_ID must be a GUID/);
    expect(problemsOf({ NUDGE_SCHEDULER: 'maybe' })).to.match(/NUDGE_SCHEDULER/);
    expect(problemsOf({ GRAPH_BASE_URL: 'ftp://graph' })).to.match(
      /GRAPH_BASE_URL must be an http\(s\):\/\/ address/,
    );
  });

  it('never echoes a secret value', () => {
    const message = problemsOf({ SUPPORT_CODE_KEY: 'hunter2-is-my-key' });
    expect(message).to.match(/SUPPORT_CODE_KEY must be 64 hexadecimal characters/);
    expect(message).to.not.contain('hunter2');
  });

  it('takes an Application Insights connection string for telemetry, and never echoes a wrong one', () => {
    expect(loadConfig({}).telemetry).to.equal(undefined);
    expect(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: '' }).telemetry).to.equal(undefined);
    const connectionString = `InstrumentationKey=${GUID};IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/;ApplicationId=${GUID}`;
    expect(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString }).telemetry).to.deep.equal({
      connectionString,
    });
    const message = problemsOf({
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://x;Key=s3cr3t',
    });
    expect(message).to.match(
      /APPLICATIONINSIGHTS_CONNECTION_STRING must be an Application Insights connection string/,
    );
    expect(message).to.not.contain('s3cr3t');
  });

  it('refuses to listen beyond loopback without Bot Framework auth', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })).to.match(/HOST is 0\.0\.0\.0 but BOT_ID is empty/);
    expect(loadConfig({ HOST: '::1' }).host).to.equal('::1');
    expect(loadConfig({ HOST: '0.0.0.0', BOT_ID: GUID, BOT_PASSWORD: 'x', TENANT_ID: GUID }).host).to.equal(
      '0.0.0.0',
    );
  });

  it('requires the pieces that belong together', () => {
    expect(problemsOf({ GRAPH_CLIENT_ID: GUID })).to.match(
      /GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET must be set together/,
    );
    expect(problemsOf({ GRAPH_CLIENT_ID: GUID, GRAPH_CLIENT_SECRET: 's' })).to.match(/TENANT_ID is required/);
    expect(problemsOf({ GRAPH_CLIENT_ID: GUID, GRAPH_CLIENT_SECRET: 's', TENANT_ID: GUID })).to.match(
      /SUPPORT_CODE_KEY is required when Graph is configured/,
    );
    expect(problemsOf({ BOT_ID: GUID, TENANT_ID: GUID })).to.match(/BOT_PASSWORD is required/);
    expect(problemsOf({ STORAGE: 'azure' })).to.match(/AZURE_STORAGE_CONNECTION_STRING is required/);
  });

  it("takes another login host for the bot's outbound tokens only over HTTPS and with a bot password", () => {
    const bot = { BOT_ID: GUID, BOT_PASSWORD: 'x', TENANT_ID: GUID };
    expect(
      loadConfig({ ...bot, BOT_AUTHORITY_HOST: 'https://login.example.us/' }).bot.authorityHost,
    ).to.equal('https://login.example.us');
    expect(loadConfig(bot).bot.authorityHost).to.equal(undefined);
    expect(problemsOf({ ...bot, BOT_AUTHORITY_HOST: 'http://127.0.0.1:1' })).to.match(
      /BOT_AUTHORITY_HOST must be an https:\/\/ address/,
    );
    expect(problemsOf({ BOT_AUTHORITY_HOST: 'https://login.example.us' })).to.match(
      /BOT_AUTHORITY_HOST needs BOT_ID and BOT_PASSWORD/,
    );
    expect(
      problemsOf({
        BOT_ID: GUID,
        BOT_TYPE: 'UserAssignedMSI',
        TENANT_ID: GUID,
        BOT_AUTHORITY_HOST: 'https://l.example',
      }),
    ).to.match(/BOT_AUTHORITY_HOST needs BOT_ID and BOT_PASSWORD/);
  });

  it('refuses real Graph or Azure Storage without BOT_ID unless ALLOW_UNAUTHENTICATED=1', () => {
    const graph = {
      GRAPH_CLIENT_ID: GUID,
      GRAPH_CLIENT_SECRET: 's',
      TENANT_ID: GUID,
      SUPPORT_CODE_KEY: 'ab'.repeat(32),
    };
    expect(problemsOf(graph)).to.match(/BOT_ID is required when GRAPH_CLIENT_ID is set/);
    const azure = { STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };
    expect(problemsOf(azure)).to.match(/BOT_ID is required when STORAGE=azure is set/);
    expect(loadConfig({ ...graph, ALLOW_UNAUTHENTICATED: '1' }).unauthenticatedWithRealServices).to.equal(
      true,
    );
    expect(loadConfig({ ...azure, ALLOW_UNAUTHENTICATED: '1' }).unauthenticatedWithRealServices).to.equal(
      true,
    );
    // Still loopback only: the switch never opens the port to the network.
    expect(problemsOf({ ...graph, ALLOW_UNAUTHENTICATED: '1', HOST: '0.0.0.0' })).to.match(
      /HOST is 0\.0\.0\.0 but BOT_ID is empty/,
    );
    // The demo directory needs neither.
    expect(loadConfig({}).unauthenticatedWithRealServices).to.equal(false);
    expect(
      loadConfig({ ...graph, BOT_ID: GUID, BOT_PASSWORD: 'pw' }).unauthenticatedWithRealServices,
    ).to.equal(false);
  });

  it('takes the per-client request ceiling, 30,000 a minute unless set, and refuses one too low to serve a school', () => {
    expect(loadConfig({}).requestsPerMinutePerClient).to.equal(30_000);
    expect(loadConfig({ HTTP_REQUESTS_PER_MINUTE_PER_CLIENT: '120000' }).requestsPerMinutePerClient).to.equal(
      120_000,
    );
    expect(problemsOf({ HTTP_REQUESTS_PER_MINUTE_PER_CLIENT: '10' })).to.match(
      /HTTP_REQUESTS_PER_MINUTE_PER_CLIENT/,
    );
  });

  it('parses a full production configuration', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      BOT_ID: GUID,
      BOT_PASSWORD: 'pw',
      BOT_TYPE: 'SingleTenant',
      TENANT_ID: GUID.toUpperCase(),
      GRAPH_CLIENT_ID: GUID,
      GRAPH_CLIENT_SECRET: 'secret',
      SUPPORT_CODE_KEY: 'ab'.repeat(32),
      SERVICE_DESK_MAILBOX: 'desk@school.example',
      NUDGE_SCHEDULER: 'off',
    });
    expect(config.tenantId).to.equal(GUID);
    expect(config.bot).to.include({ id: GUID, type: 'SingleTenant', tenantId: GUID.toUpperCase() });
    expect(config.graph).to.deep.equal({ clientId: GUID, clientSecret: 'secret' });
    expect(config.supportCodeKey?.length).to.equal(32);
    expect(config.nudgeScheduler).to.equal(false);
  });

  it("takes the IT app's manifest id apart from the bot app's: a GUID, unset when empty", () => {
    const ids = { TEAMS_APP_ID: GUID, TEAMS_IT_APP_ID: '11111111-2222-4333-8444-666666666666' };
    const config = loadConfig(ids);
    expect(config.tab.teamsAppId).to.equal(ids.TEAMS_IT_APP_ID);
    expect(config.nudges.teamsAppId).to.equal(ids.TEAMS_APP_ID);
    expect(loadConfig({ TEAMS_APP_ID: GUID, TEAMS_IT_APP_ID: '' }).tab.teamsAppId).to.equal(undefined);
    expect(problemsOf({ TEAMS_IT_APP_ID: 'mfa-buddy-it' })).to.match(/TEAMS_IT_APP_ID must be a GUID/);
  });

  it('trusts no forwarding proxy unless told how many there are (0 to 3)', () => {
    expect(loadConfig({}).trustedProxyHops).to.equal(0);
    expect(loadConfig({ TRUSTED_PROXY_HOPS: '1' }).trustedProxyHops).to.equal(1);
    expect(problemsOf({ TRUSTED_PROXY_HOPS: '4' })).to.match(/TRUSTED_PROXY_HOPS .*\(got "4"\)/);
    expect(problemsOf({ TRUSTED_PROXY_HOPS: 'yes' })).to.match(/TRUSTED_PROXY_HOPS/);
  });
});
