import { expect } from 'chai';
import type { GraphDirectoryParts } from '../../../src/adapters/graph/createGraphDirectory';
import {
  GraphTemporaryAccessPasses,
  passRefusalOf,
} from '../../../src/adapters/graph/graphTemporaryAccessPasses';
import { graphDirectoryOn } from '../../support/graph/graphDirectoryOn';
import { GraphStandIn } from '../../support/graph/graphStandIn';
import { TapStandIn } from '../../support/graph/tapRoutes';
import { graphMethod } from '../../support/graph/methodShapes';
import { GRAPH_APP_ROLES } from '../../support/tokenEndpoint';
import { captureLog, type CapturedLog } from '../../support/logCapture';

const PUPIL = '6b000000-0000-4000-8000-0000000000a1';
const REQUEST = { lifetimeMinutes: 60, usableOnce: true };

describe('Temporary Access Passes on Graph (HTTPS stand-in)', () => {
  let graph: GraphStandIn;
  let taps: TapStandIn;
  let parts: GraphDirectoryParts;
  let logs: CapturedLog;
  let issuer: GraphTemporaryAccessPasses;

  async function start(roles: readonly string[] = GRAPH_APP_ROLES) {
    graph = await GraphStandIn.start({ roles });
    graph.addUser({
      id: PUPIL,
      displayName: 'Sam Taylor',
      userPrincipalName: 'sam.taylor@kscs.org.uk',
      methods: [graphMethod.password()],
    });
    taps = new TapStandIn(graph);
    logs = captureLog();
    parts = graphDirectoryOn(graph, {
      requestTimeoutMs: 2000,
      schoolDomains: ['kscs.org.uk'],
      log: logs.log,
      // Background work would get more attempts: the desk's call must not wait that long.
      attempts: { interactive: 3, background: 5 },
      maxBackoffMs: 20,
    });
    issuer = new GraphTemporaryAccessPasses(parts.requests, logs.log);
  }

  afterEach(async () => {
    parts?.close();
    await graph?.close();
  });

  it('201: the pass, from when and until when it works, one use; Graph got the policy lifetime and one-use flag', async () => {
    await start();
    const before = Date.now();
    const outcome = await issuer.issue(PUPIL, REQUEST);
    expect(outcome.kind).to.equal('issued');
    if (outcome.kind !== 'issued') return;
    const issued = taps.current.get(PUPIL)!;
    expect(outcome.pass).to.equal(issued.pass);
    expect(outcome.usableOnce).to.equal(true);
    expect(Date.parse(outcome.startsAt)).to.be.within(before - 1000, Date.now());
    expect(Date.parse(outcome.expiresAt) - Date.parse(outcome.startsAt)).to.equal(60 * 60_000);
    const [request] = taps.requests();
    expect(request!.body).to.deep.equal({ isUsableOnce: true, lifetimeInMinutes: 60 });
    // A second pass replaces the first, as Graph does.
    const second = await issuer.issue(PUPIL, REQUEST);
    expect(second.kind === 'issued' && second.pass).to.equal(taps.current.get(PUPIL)!.pass);
    expect(taps.issued).to.have.length(2);
    // The pass is in no log line.
    for (const pass of taps.issued.map((p) => p.pass)) {
      expect(logs.lines.join('\n')).to.not.include(pass);
    }
    // Not an identity-reports endpoint: nothing taken from that budget.
    expect(graph.budgetedRequests()).to.have.length(0);
  });

  it('403 without UserAuthenticationMethod.ReadWrite.All is "noPermission", asked once', async () => {
    await start(GRAPH_APP_ROLES.filter((r) => r !== 'UserAuthenticationMethod.ReadWrite.All'));
    expect(await issuer.issue(PUPIL, REQUEST)).to.deep.equal({ kind: 'refused', reason: 'noPermission' });
    expect(taps.requests().map((r) => r.status)).to.deep.equal([403]);
    expect(taps.issued).to.deep.equal([]);
  });

  it('Temporary Access Pass switched off in the tenant is "disabledByPolicy"', async () => {
    await start();
    taps.disabled = true;
    expect(await issuer.issue(PUPIL, REQUEST)).to.deep.equal({ kind: 'refused', reason: 'disabledByPolicy' });
    expect(taps.requests().map((r) => r.status)).to.deep.equal([400]);
  });

  it('a lifetime the tenant\'s policy does not allow is "lifetimeOutsidePolicy"', async () => {
    await start();
    taps.policy = { ...taps.policy, minimumLifetimeInMinutes: 120 };
    expect(await issuer.issue(PUPIL, REQUEST)).to.deep.equal({
      kind: 'refused',
      reason: 'lifetimeOutsidePolicy',
    });
    expect(await issuer.issue(PUPIL, { lifetimeMinutes: 120, usableOnce: true })).to.deep.include({
      kind: 'issued',
    });
  });

  it('404 for a user the tenant does not have is "userNotFound"', async () => {
    await start();
    expect(await issuer.issue('6b000000-0000-4000-8000-0000000000ff', REQUEST)).to.deep.equal({
      kind: 'refused',
      reason: 'userNotFound',
    });
  });

  it('a storm of 503s is "unavailable" after the interactive retries; one 503 is retried through', async () => {
    await start();
    const path = /\/temporaryAccessPassMethods$/;
    graph.tenant.server.failNext({ kind: 'status', status: 503, retryAfterSeconds: 0 }, { path, times: 10 });
    expect(await issuer.issue(PUPIL, REQUEST)).to.deep.equal({ kind: 'refused', reason: 'unavailable' });
    expect(taps.requests().map((r) => r.status)).to.deep.equal([503, 503, 503]);
    expect(taps.issued).to.deep.equal([]);

    await graph.close();
    await start();
    graph.tenant.server.failNext({ kind: 'status', status: 503, retryAfterSeconds: 0 }, { path });
    expect((await issuer.issue(PUPIL, REQUEST)).kind).to.equal('issued');
  });

  it('tells refusals apart by status, then by what the message names (the lifetime before the policy)', () => {
    expect(passRefusalOf(404, 'Request_ResourceNotFound', 'x')).to.equal('userNotFound');
    expect(passRefusalOf(403, 'Authorization_RequestDenied', 'Insufficient privileges')).to.equal(
      'noPermission',
    );
    expect(passRefusalOf(403, 'accessDenied', 'Blocked by the authentication methods policy')).to.equal(
      'disabledByPolicy',
    );
    expect(passRefusalOf(400, 'badRequest', 'Lifetime outside the policy range')).to.equal(
      'lifetimeOutsidePolicy',
    );
    expect(passRefusalOf(400, 'badRequest', 'Something else')).to.equal('unavailable');
    expect(passRefusalOf(429, 'TooManyRequests', 'policy')).to.equal('unavailable');
    expect(passRefusalOf(0, 'TokenError', 'AADSTS7000215')).to.equal('unavailable');
  });
});
