import { expect } from 'chai';
import { expectRejection } from '../../support/expectRejection';
import { createGraphClient, isGraphTimeout } from '../../../src/adapters/graph/graphClient';
import { requireToken, startGraphTenant, TEST_APP, type GraphTenant } from '../../support/graphTenant';

describe('Graph client against the HTTPS stand-in', () => {
  let tenant: GraphTenant;

  beforeEach(async () => {
    tenant = await startGraphTenant();
    tenant.server.route(
      'GET',
      '/v1.0/organization',
      requireToken(tenant.tokens, () => ({ status: 200, body: { value: [{ id: TEST_APP.tenantId }] } })),
    );
  });
  afterEach(() => tenant.close());

  function client(options: { requestTimeoutMs?: number; maxRetries?: number } = {}) {
    return createGraphClient({
      ...TEST_APP,
      baseUrl: tenant.server.url,
      authorityHost: tenant.server.url,
      ...options,
    });
  }

  it('gets an app-only token from the token endpoint and sends it as a Bearer token', async () => {
    const result = (await client().api('/organization').get()) as { value: { id: string }[] };
    expect(result.value[0]?.id).to.equal(TEST_APP.tenantId);
    expect(tenant.tokens.tokenRequests).to.equal(1);
    const [request] = tenant.server.requestsTo(/\/v1\.0\/organization/);
    expect(request?.headers.authorization).to.match(/^Bearer .+/);
  });

  it('fails clearly with a wrong client secret', async () => {
    const bad = createGraphClient({
      ...TEST_APP,
      clientSecret: 'wrong',
      baseUrl: tenant.server.url,
      authorityHost: tenant.server.url,
    });
    await expectRejection(bad.api('/organization').get(), /invalid_client|Invalid client secret/i);
    expect(tenant.server.requestsTo(/\/v1\.0\/organization/)).to.have.length(0);
  });

  it('times out a request that never answers', async () => {
    tenant.server.failNext({ kind: 'hang' }, { path: /organization/ });
    const started = Date.now();
    const error = await expectRejection(
      client({ requestTimeoutMs: 300, maxRetries: 0 }).api('/organization').get(),
      Error,
    );
    expect(isGraphTimeout(error), String(error)).to.equal(true);
    // The default (15 s) would take longer; the margin is for a loaded machine.
    expect(Date.now() - started).to.be.lessThan(10_000);
  });

  it("retries a 429 after the stand-in's Retry-After when its own retries are on", async () => {
    tenant.server.failNext({ kind: 'status', status: 429, retryAfterSeconds: 1 }, { path: /organization/ });
    const started = Date.now();
    const result = (await client().api('/organization').get()) as { value: unknown[] };
    expect(result.value).to.have.length(1);
    expect(Date.now() - started).to.be.greaterThanOrEqual(950);
    expect(tenant.server.requestsTo(/organization/).map((r) => r.status)).to.deep.equal([429, 200]);
  });
});
