import { expect } from 'chai';
import { expectRejection } from '../../support/expectRejection';
import type { GraphDirectoryParts } from '../../../src/adapters/graph/createGraphDirectory';
import { DirectoryUnavailableError, type RegistrationDetails } from '../../../src/ports/directory';
import { graphDirectoryOn } from '../../support/graph/graphDirectoryOn';
import { GraphStandIn, type StandInUser } from '../../support/graph/graphStandIn';
import { graphMethod } from '../../support/graph/methodShapes';
import { captureLog, type CapturedLog } from '../../support/logCapture';
import { expectNoPersonalData } from '../../support/personalData';
import { until } from '../../support/until';

const SCHOOL = ['kscs.org.uk', 'kenstimpson.org.uk'];

function pupil(n: number, methods = [graphMethod.password()]): StandInUser {
  const id = `6b000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    id,
    displayName: `Pupil ${n}`,
    givenName: 'Pupil',
    userPrincipalName: `pupil${n}@kscs.org.uk`,
    department: 'Year 9',
    jobTitle: 'Student',
    methods,
  };
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe('Graph directory against the HTTPS stand-in', () => {
  let graph: GraphStandIn;
  let parts: GraphDirectoryParts;
  let logs: CapturedLog;
  /** Tests that queue faults skip the "no 429 caused by the bot" check only for their own faults. */

  async function start(options: { premium?: boolean; maxPageSize?: number; requestTimeoutMs?: number } = {}) {
    graph = await GraphStandIn.start({
      premium: options.premium,
      maxPageSize: options.maxPageSize ?? 3,
      // A 1 s window keeps the tests quick; the bot's budget is shrunk the same way.
      reportsBudget: { limit: 5, windowMs: 1000 },
    });
    logs = captureLog();
    parts = graphDirectoryOn(graph, {
      requestTimeoutMs: options.requestTimeoutMs ?? 2000,
      schoolDomains: SCHOOL,
      log: logs.log,
      // The margin absorbs the time between taking a slot and the request reaching Graph: the stand-in shares the
      // test's event loop, and on a loaded machine (a CPU hog, two other test files) that was once over 600 ms.
      budget: { limit: 5, windowMs: 1000, marginMs: 1000, reservedForInteractive: 1 },
      attempts: { interactive: 3, background: 3 },
      maxBackoffMs: 50,
    });
  }

  afterEach(async () => {
    parts?.close();
    await graph?.close();
    expect(graph.budget.violations, 'identity-reports budget violations caused by the bot').to.equal(0);
    expectNoPersonalData(logs.lines, { upns: ['@kscs.org.uk'], emails: ['example.com'], phones: ['+44'] });
  });

  describe('the registration report', () => {
    beforeEach(async () => {
      await start();
      for (let n = 1; n <= 10; n++) {
        const methods =
          n % 3 === 0
            ? [graphMethod.authenticator(), graphMethod.email('me@example.com')]
            : n % 3 === 1
              ? [graphMethod.phone('mobile')]
              : [];
        graph.addUser(pupil(n, methods));
      }
    });

    it('reads every page by following @odata.nextLink, asking for the largest page', async () => {
      const pages = await collect(parts.directory.registrationReport());
      expect(pages.map((p) => p.length)).to.deep.equal([3, 3, 3, 1]);
      const requests = graph.tenant.server.requestsTo(/userRegistrationDetails$/);
      expect(requests).to.have.length(4);
      expect(decodeURIComponent(requests[0]!.query)).to.contain('$top=999');
      expect(requests.slice(1).every((r) => r.query.startsWith('?$skiptoken='))).to.equal(true);
      const third = pages.flat().find((d) => d.userId.endsWith('000000000003'))!;
      expect(third.methods).to.deep.equal([{ kind: 'authenticatorApp' }, { kind: 'email' }]);
      expect(third.source).to.equal('report');
    });

    it("filters on Graph's side with $filter", async () => {
      const notRegistered = (
        await collect(parts.directory.registrationReport({ isMfaRegistered: false }))
      ).flat();
      expect(notRegistered.map((d) => d.userId.slice(-2))).to.deep.equal(['02', '05', '08']);
      const phones = (
        await collect(parts.directory.registrationReport({ methodRegistered: 'mobilePhone' }))
      ).flat();
      expect(phones).to.have.length(4);
      const queries = graph.tenant.server
        .requestsTo(/userRegistrationDetails$/)
        .map((r) => decodeURIComponent(r.query));
      expect(queries[0]).to.contain('$filter=isMfaRegistered eq false');
      expect(queries.some((q) => q.includes("$filter=methodsRegistered/any(m:m eq 'mobilePhone')"))).to.equal(
        true,
      );
    });

    it('reads one user row, and says when there is none', async () => {
      const row = await parts.directory.registrationDetails(pupil(1).id, { priority: 'interactive' });
      expect(row?.methods).to.deep.equal([{ kind: 'mobilePhone' }]);
      expect(await parts.directory.registrationDetails('6b000000-0000-4000-8000-999999999999')).to.equal(
        undefined,
      );
    });
  });

  describe('live methods', () => {
    beforeEach(() => start());

    it('maps every method type Graph returns, keeping only whether the email is a school address', async () => {
      graph.addUser(
        pupil(1, [
          graphMethod.password(),
          graphMethod.authenticator(),
          graphMethod.authenticatorPasskey(),
          graphMethod.fido2(),
          graphMethod.phone('mobile'),
          graphMethod.phone('alternateMobile'),
          graphMethod.phone('office'),
          graphMethod.email('pupil1@pupils.kscs.org.uk'),
          graphMethod.softwareOath(),
          graphMethod.hardwareOath(),
          graphMethod.temporaryAccessPass(),
          graphMethod.windowsHello(),
          graphMethod.platformCredential(),
          { '@odata.type': '#microsoft.graph.somethingNewAuthenticationMethod', id: 'x' },
        ]),
      );
      const live = await parts.directory.liveMethods(pupil(1).id, { priority: 'interactive' });
      expect(live?.methods.map((m) => m.kind)).to.deep.equal([
        'password',
        'authenticatorApp',
        'authenticatorPasskey',
        'passkey',
        'mobilePhone',
        'alternateMobilePhone',
        'officePhone',
        'email',
        'softwareOath',
        'hardwareOath',
        'temporaryAccessPass',
        'windowsHello',
        'platformCredential',
        'other',
      ]);
      expect(live?.methods.find((m) => m.kind === 'email')).to.deep.equal({
        kind: 'email',
        onSchoolDomain: true,
      });
      expect(JSON.stringify(live)).to.not.match(/@|\+44/);
    });

    it('returns undefined for a user that does not exist', async () => {
      expect(await parts.directory.liveMethods('6b000000-0000-4000-8000-999999999999')).to.equal(undefined);
    });

    it('honours a 429 with Retry-After, and holds back every budgeted call meanwhile', async () => {
      graph.addUser(pupil(1, [graphMethod.authenticator()]));
      graph.tenant.server.failNext(
        { kind: 'status', status: 429, retryAfterSeconds: 1 },
        { path: /authentication\/methods/ },
      );
      const started = Date.now();
      const firstCall = parts.directory.liveMethods(pupil(1).id, { priority: 'interactive' });
      // A second call made after the 429 arrived waits for the Retry-After too.
      await until(() => parts.budget.waiting.interactive > 0, {
        what: 'the retry after the 429 waiting for its slot in the paused budget',
      });
      const [first, second] = await Promise.all([
        firstCall,
        parts.directory.liveMethods(pupil(1).id, { priority: 'interactive' }),
      ]);
      expect(first?.methods).to.deep.equal([{ kind: 'authenticatorApp' }]);
      expect(second?.methods).to.deep.equal([{ kind: 'authenticatorApp' }]);
      const statuses = graph.tenant.server.requestsTo(/authentication\/methods/).map((r) => r.status);
      expect(statuses).to.deep.equal([429, 200, 200]);
      // The retry and the other call both waited for the Retry-After.
      const times = graph.tenant.server.requestsTo(/authentication\/methods/).map((r) => r.at - started);
      expect(times[1]).to.be.greaterThanOrEqual(950);
      expect(times[2]).to.be.greaterThanOrEqual(950);
    });

    it('retries a 503 and gives up on a 500 with a clear error', async () => {
      graph.addUser(pupil(1, [graphMethod.authenticator()]));
      graph.tenant.server.failNext({ kind: 'status', status: 503 }, { path: /authentication\/methods/ });
      expect((await parts.directory.liveMethods(pupil(1).id))?.methods).to.have.length(1);
      graph.tenant.server.failNext({ kind: 'status', status: 500 }, { path: /authentication\/methods/ });
      await expectRejection(parts.directory.liveMethods(pupil(1).id), DirectoryUnavailableError);
      expect(graph.tenant.server.requestsTo(/authentication\/methods/).map((r) => r.status)).to.deep.equal([
        503, 200, 500,
      ]);
    });

    it('survives a malformed JSON body by asking again', async () => {
      graph.addUser(pupil(1, [graphMethod.phone('office')]));
      graph.tenant.server.failNext({ kind: 'malformedJson' }, { path: /authentication\/methods/ });
      expect((await parts.directory.liveMethods(pupil(1).id))?.methods).to.deep.equal([
        { kind: 'officePhone' },
      ]);
    });
  });

  describe('a request that hangs', () => {
    beforeEach(() => start({ requestTimeoutMs: 300 }));

    it('times out each attempt and gives up within the attempts allowed', async () => {
      graph.addUser(pupil(1, [graphMethod.authenticator()]));
      graph.tenant.server.failNext({ kind: 'hang' }, { path: /authentication\/methods/, times: 3 });
      const started = Date.now();
      const error = await expectRejection(
        parts.directory.liveMethods(pupil(1).id, { priority: 'interactive' }),
        DirectoryUnavailableError,
      );
      expect((error.cause as { status: number }).status).to.equal(0);
      // Three attempts of 300 ms and their backoff; the default timeout (15 s) would take longer than this.
      expect(Date.now() - started).to.be.lessThan(10_000);
      expect(logs.find(/graph request failed/).map((l) => l.status)).to.deep.equal([0, 0, 0]);
    });
  });

  describe('a tenant without Entra ID P1', () => {
    beforeEach(async () => {
      await start({ premium: false });
      graph.addUser(pupil(1, [graphMethod.authenticator(), graphMethod.email('a@example.com')]));
      graph.addUser(pupil(2, []));
    });

    it('falls back to live methods, says so once in the log, and stops asking for the report', async () => {
      const one = await parts.directory.registrationDetails(pupil(1).id, { priority: 'interactive' });
      expect(one?.source).to.equal('live');
      expect(one?.methods).to.deep.equal([
        { kind: 'authenticatorApp' },
        { kind: 'email', onSchoolDomain: false },
      ]);
      const rows: RegistrationDetails[] = (await collect(parts.directory.registrationReport())).flat();
      expect(rows.map((r) => r.userId.slice(-1))).to.deep.equal(['1', '2']);
      expect(graph.tenant.server.requestsTo(/reports\//)).to.have.length(1);
      expect(logs.find(/no Entra ID P1/)).to.have.length(2);
      expect(logs.find(/no Entra ID P1\/P2/)).to.have.length(1);
      expect(parts.directory.hasReport).to.equal(false);
    });
  });

  describe('budget', () => {
    beforeEach(() => start());

    it('keeps 20 simultaneous live checks under the budget: no 429 from the stand-in', async () => {
      for (let n = 1; n <= 20; n++) graph.addUser(pupil(n, [graphMethod.authenticator()]));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          parts.directory.liveMethods(pupil(i + 1).id, { priority: 'interactive' }),
        ),
      );
      expect(results.every((r) => r?.methods.length === 1)).to.equal(true);
      expect(graph.budgetedRequests().filter((r) => r.status !== 200)).to.deep.equal([]);
      expect(graph.budget.admitted).to.equal(20);
    });
  });

  describe('users and groups', () => {
    beforeEach(async () => {
      await start();
      for (let n = 1; n <= 7; n++) graph.addUser(pupil(n));
      graph.groups.set('a1000000-0000-4000-8000-000000000009', [pupil(1).id, pupil(2).id]);
      graph.groups.set('a1000000-0000-4000-8000-000000000010', [
        'a1000000-0000-4000-8000-000000000009',
        pupil(3).id,
        pupil(4).id,
        pupil(5).id,
      ]);
    });

    it('looks users up by id and by UPN', async () => {
      const byId = await parts.directory.getUser(pupil(2).id);
      expect(byId).to.deep.include({
        userPrincipalName: 'pupil2@kscs.org.uk',
        department: 'Year 9',
        accountEnabled: true,
        userType: 'member',
      });
      const byUpn = await parts.directory.findUserByUpn('PUPIL3@kscs.org.uk');
      expect(byUpn?.id).to.equal(pupil(3).id);
      expect(await parts.directory.findUserByUpn('nobody@kscs.org.uk')).to.equal(undefined);
    });

    it("keeps who was looked up out of an error's message, even when Graph quotes it", async () => {
      graph.tenant.server.failNext(
        {
          kind: 'status',
          status: 400,
          body: {
            error: {
              code: 'Request_BadRequest',
              message: `Invalid object identifier 'pupil2@kscs.org.uk' (${pupil(2).id}).`,
            },
          },
        },
        { path: /\/users/ },
      );
      const error = await expectRejection(parts.directory.findUserByUpn('pupil2@kscs.org.uk'), Error);
      const messages = [error.message, (error.cause as Error).message].join(' | ');
      expect(messages).to.equal(
        "Graph could not return a user (status 400) | Graph GET /users({id}) failed: Invalid object identifier '{upn}' ({id}).",
      );
      expect(logs.lines.join('\n')).to.not.match(/pupil2|6b000000-0000-4000-8000-000000000002/);
    });

    it('checks transitive membership and lists transitive members page by page', async () => {
      expect(
        await parts.directory.isTransitiveMemberOf(pupil(1).id, 'a1000000-0000-4000-8000-000000000010'),
      ).to.equal(true);
      expect(
        await parts.directory.isTransitiveMemberOf(pupil(6).id, 'a1000000-0000-4000-8000-000000000010'),
      ).to.equal(false);
      const pages = await collect(parts.directory.transitiveMembers('a1000000-0000-4000-8000-000000000010'));
      expect(pages.map((p) => p.length)).to.deep.equal([3, 2]);
      expect(
        pages
          .flat()
          .map((u) => u.id.slice(-1))
          .sort(),
      ).to.deep.equal(['1', '2', '3', '4', '5']);
      // Directory reads are not identity reports: they do not spend that budget.
      expect(graph.budget.admitted).to.equal(0);
    });
  });
});
