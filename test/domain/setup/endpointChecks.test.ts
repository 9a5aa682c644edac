import { expect } from 'chai';
import { endpointTarget, healthCheck, inboundAuthCheck } from '../../../src/domain/setup/endpointChecks';

describe('setup check: the bot’s endpoint', () => {
  it('takes --endpoint, else BOT_DOMAIN as the toolkit writes it (a host name)', () => {
    expect(endpointTarget(undefined, 'mfa-buddy.azurewebsites.net')).to.deep.equal({
      kind: 'url',
      base: 'https://mfa-buddy.azurewebsites.net',
      setting: 'BOT_DOMAIN',
    });
    expect(endpointTarget('https://bot.example.org/', 'ignored.example.org')).to.deep.equal({
      kind: 'url',
      base: 'https://bot.example.org',
      setting: '--endpoint',
    });
    expect(endpointTarget(undefined, ' ')).to.deep.equal({ kind: 'none' });
    expect(endpointTarget('http://127.0.0.1:3978', undefined)).to.deep.include({
      base: 'http://127.0.0.1:3978',
    });
    expect(endpointTarget('http://bot.example.org', undefined)).to.deep.equal({
      kind: 'invalid',
      problem: '--endpoint must be an https:// address (got "http://bot.example.org")',
    });
    expect(endpointTarget(undefined, 'not a host')).to.have.property('kind', 'invalid');
  });

  it('/healthz: 200 is up; anything else or no answer fails with where to look', () => {
    expect(healthCheck('https://b', '--endpoint', { kind: 'answer', status: 200 }).status).to.equal('ok');
    expect(healthCheck('https://b', '--endpoint', { kind: 'answer', status: 503 }).text).to.equal(
      'https://b/healthz: answered 503, not 200',
    );
    const down = healthCheck('https://b', 'BOT_DOMAIN', { kind: 'noAnswer', reason: 'ENOTFOUND' });
    expect(down.text).to.equal('https://b/healthz: no answer (ENOTFOUND)');
    expect(down.fix).to.match(/^Check BOT_DOMAIN/);
  });

  it('/api/messages without a token: 401 is inbound authentication on; a 2xx is off; others are wrong', () => {
    expect(inboundAuthCheck('https://b', '--endpoint', { kind: 'answer', status: 401 }).status).to.equal(
      'ok',
    );
    const open = inboundAuthCheck('https://b', '--endpoint', { kind: 'answer', status: 200 });
    expect(open.status).to.equal('fail');
    expect(open.text).to.include('inbound authentication is off');
    expect(open.fix).to.match(/^Set BOT_ID, BOT_PASSWORD and BOT_TENANT_ID/);
    expect(inboundAuthCheck('https://b', '--endpoint', { kind: 'answer', status: 404 }).text).to.equal(
      'https://b/api/messages: answered 404, not the 401 a request without a token should get',
    );
  });
});
