import fs from 'node:fs';
import { expect } from 'chai';
import sinon from 'sinon';
import type { RunningApp } from '../../../src/app';
import type { Container } from '../../../src/container';
import { tempDataDir } from '../../support/botProcess';
import { SMALL_GROUPS, SMALL_PEOPLE, SmallSchoolDirectory } from '../../support/itView/smallSchool';
import { startSmallSchoolTab } from '../../support/itView/smallSchoolTab';
import {
  OTHER_TENANT,
  startTabIdentity,
  TAB_APP_ID,
  type TabIdentity,
} from '../../support/itView/tabIdentity';
import { captureLog, type CapturedLog } from '../../support/logCapture';

const DOMAIN = 'mfa-buddy.example.org';

describe("IT's tab: its page and its data routes over HTTP", () => {
  let identity: TabIdentity;
  let app: RunningApp;
  let dataDir: string;
  let captured: CapturedLog;
  let directory: SmallSchoolDirectory;
  let container: Container;

  before(async () => {
    identity = await startTabIdentity();
    dataDir = tempDataDir();
    directory = new SmallSchoolDirectory();
    captured = captureLog('info');
    ({ container, app } = await startSmallSchoolTab(identity, dataDir, {
      now: '2026-12-01T10:00:00Z',
      directory,
      env: { BOT_DOMAIN: DOMAIN },
      log: captured.log,
    }));
  });
  after(async () => {
    await app?.stop();
    await identity?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, token?: string) =>
    fetch(`http://127.0.0.1:${app.port}${path}`, {
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    });
  const ada = () => identity.token(SMALL_PEOPLE.ada);

  interface GroupJson {
    id: string;
    name: string;
    counts: Record<string, number>;
    percentComplete: number;
    missing: { code: string; count: number }[];
  }

  it('IT staff get every group with the figures counted by hand, and the trend', async () => {
    const response = await get('/api/it/progress', ada());
    expect(response.status).to.equal(200);
    expect(response.headers.get('cache-control')).to.equal('no-store');
    const body = (await response.json()) as {
      groups: GroupJson[];
      today: string;
      phoneEnds: string;
      trend: { reminderDays: string[] };
    };
    expect(body.today).to.equal('2026-12-01');
    expect(body.phoneEnds).to.equal('2027-02-01');
    const byName = new Map(body.groups.map((g) => [g.name, g]));
    expect(body.groups[0]!.name).to.equal('Whole school');
    expect(byName.get('Whole school')!.counts).to.deep.equal({
      complete: 2,
      phoneOnly: 2,
      partly: 1,
      notStarted: 2,
      unknown: 1,
      total: 8,
    });
    expect(byName.get('Whole school')!.percentComplete).to.equal(25);
    expect(byName.get('Year 7')!.counts).to.deep.include({ complete: 1, phoneOnly: 1, partly: 1, total: 3 });
    expect(byName.get('Year 8')!.counts).to.deep.include({ notStarted: 2, unknown: 1, total: 3 });
    expect(byName.get('All staff')!.counts).to.deep.include({ complete: 1, phoneOnly: 1, total: 2 });
    expect(byName.get('Year 7')!.missing).to.deep.include({
      code: 'phoneOnly',
      label: 'a method other than texts or calls',
      count: 1,
    });
    // The sample campaign's reminder days (21 and 14 days before merge into the last day of term).
    expect(body.trend.reminderDays).to.deep.equal(['2026-12-18', '2027-01-04', '2027-01-08', '2027-01-11']);
  });

  it('storage failing costs the trend, not the figures: the groups are still there', async () => {
    const failing = sinon.stub(container.stores.progressDays, 'list').rejects(new Error('storage down'));
    try {
      const response = await get('/api/it/progress', ada());
      expect(response.status).to.equal(200);
      const body = (await response.json()) as { groups: GroupJson[]; trend: { days: unknown[] } };
      expect(body.groups[0]!.counts.total).to.equal(8);
      expect(body.trend.days).to.deep.equal([]);
    } finally {
      failing.restore();
    }
  });

  it('accepts the app id URI audience (api://BOT_DOMAIN/app id) as well as the app id', async () => {
    const response = await get(
      '/api/it/progress',
      identity.token(SMALL_PEOPLE.ada, { aud: `api://${DOMAIN}/${TAB_APP_ID}` }),
    );
    expect(response.status).to.equal(200);
  });

  it('lists the people behind a number, and exports them as CSV for Excel (BOM, CRLF, formulas escaped)', async () => {
    const listed = await get(`/api/it/people?group=${SMALL_GROUPS.year7}&category=phoneOnly`, ada());
    expect(listed.status).to.equal(200);
    expect(await listed.json()).to.deep.equal({
      people: [
        {
          name: 'Ben Brook',
          yearGroup: 'Year 7',
          category: 'phoneOnly',
          progress: 'phone-only',
          missing: ['a method other than texts or calls'],
          lastNudge: null,
          openEscalations: [],
        },
      ],
      followUpsUnavailable: false,
    });

    const csv = await get(`/api/it/people.csv?group=${SMALL_GROUPS.year8}`, ada());
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).to.match(/^attachment; filename="[^"]+\.csv"$/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines).to.deep.equal([
      '"Name","Year or department","Progress","What is missing","Groups","Last nudge","Last nudge on","Last nudge outcome","Open escalations"',
      `"'=HYPERLINK(""http://x.example"",""Eve"")","Year 8","not started","nothing registered","Year 8; All pupils","","","",""`,
      '"Dee Dale","Year 8","not started","nothing registered","Year 8; All pupils","","","",""',
      '"Gus Gray","Year 8","not known yet","","Year 8; All pupils","","","",""',
      '',
    ]);
  });

  it('a group that is not in the overview is a 400 with no one listed', async () => {
    const response = await get('/api/it/people?group=00000000-0000-4000-8000-000000000000', ada());
    expect(response.status).to.equal(400);
    expect(await response.json()).to.deep.equal({
      error: 'BadRequest',
      message: 'No such group or category.',
    });
  });

  const refusals: { who: string; status: number; token: (i: TabIdentity) => string | undefined }[] = [
    { who: 'no token', status: 401, token: () => undefined },
    { who: 'a pupil (signed in, not IT staff)', status: 403, token: (i) => i.token(SMALL_PEOPLE.dee) },
    {
      who: "a foreign tenant's token (its own issuer and tid)",
      status: 401,
      token: (i) =>
        i.token(SMALL_PEOPLE.ada, { tid: OTHER_TENANT, iss: `${i.authorityHost}/${OTHER_TENANT}/v2.0` }),
    },
    {
      who: "a token naming another tenant under this tenant's issuer",
      status: 401,
      token: (i) => i.token(SMALL_PEOPLE.ada, { tid: OTHER_TENANT }),
    },
    {
      who: 'an expired token',
      status: 401,
      token: (i) =>
        i.token(SMALL_PEOPLE.ada, {
          exp: Math.floor(Date.now() / 1000) - 600,
          nbf: Math.floor(Date.now() / 1000) - 4000,
        }),
    },
    {
      who: 'a token for another app',
      status: 401,
      token: (i) => i.token(SMALL_PEOPLE.ada, { aud: '11111111-2222-4333-8444-555555555555' }),
    },
    {
      who: 'an app-only token (no user scope)',
      status: 401,
      token: (i) => i.token(SMALL_PEOPLE.ada, { scp: undefined, roles: ['Reports.Read'] }),
    },
    {
      who: 'a token signed with a key the tenant does not publish',
      status: 401,
      token: (i) => i.forged(SMALL_PEOPLE.ada),
    },
    {
      who: 'a token with its signature cut off',
      status: 401,
      token: (i) => i.token(SMALL_PEOPLE.ada).replace(/\.[^.]+$/, '.'),
    },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.who} on every data route (${refusal.status}), with no figure or name in the answer`, async () => {
      for (const path of ['/api/it/progress', '/api/it/people?category=notStarted', '/api/it/people.csv']) {
        const response = await get(path, refusal.token(identity));
        expect(response.status, path).to.equal(refusal.status);
        expect(response.headers.get('content-type'), path).to.match(/^application\/json/);
        const body = (await response.json()) as Record<string, unknown>;
        expect(Object.keys(body).sort(), path).to.deep.equal(['error', 'message']);
        expect(JSON.stringify(body), path).to.not.match(/\d|Dee|Ada|Year/);
        if (refusal.status === 401) expect(response.headers.get('www-authenticate')).to.equal('Bearer');
      }
    });
  }

  it('logs who was refused by id and why, never a token or a name', () => {
    const refused = captured.find(/it tab: request refused/);
    expect(refused.map((l) => l.reason)).to.include.members([
      'noToken',
      'expired',
      'wrongTenant',
      'notAUser',
      'invalid',
    ]);
    expect(refused.some((l) => l.userId === SMALL_PEOPLE.dee)).to.equal(true);
    const all = captured.lines.join('\n');
    expect(all).to.not.match(/eyJ[A-Za-z0-9_-]{10,}|Ben Brook|Dee Dale|HYPERLINK/);
  });

  it('serves the page framed only by Teams, its own scripts only, and Chart.js and the Teams library from node_modules', async () => {
    const page = await get('/tab/progress');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(page.headers.get('x-frame-options')).to.equal(null);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).to.include("script-src 'self'");
    expect(csp).to.match(
      /frame-ancestors https:\/\/teams\.microsoft\.com [^;]*https:\/\/\*\.cloud\.microsoft/,
    );
    expect(csp).to.not.include('unsafe-inline');
    const html = await page.text();
    expect(html).to.include('<script src="/tab/vendor/chart.umd.min.js">');
    const chart = await get('/tab/vendor/chart.umd.min.js');
    expect(chart.status).to.equal(200);
    expect(await chart.text()).to.include('4.6.1');
    expect((await get('/tab/vendor/teams.min.js')).status).to.equal(200);
    // The bot's other answers still may not be framed at all.
    expect((await get('/healthz')).headers.get('x-frame-options')).to.equal('DENY');
  });
});

describe("IT's tab: the whole school's list is the people its number counts", () => {
  let identity: TabIdentity;
  let app: RunningApp;
  let dataDir: string;

  before(async () => {
    identity = await startTabIdentity();
    dataDir = tempDataDir();
    // Zed is in Year 9 (a report group) but in no target group: not one of the people the campaign is for.
    const directory = new SmallSchoolDirectory({ [SMALL_GROUPS.year9]: [SMALL_PEOPLE.zed] });
    ({ app } = await startSmallSchoolTab(identity, dataDir, {
      now: '2026-12-01T10:00:00Z',
      directory,
      log: captureLog('info').log,
    }));
  });
  after(async () => {
    await app?.stop();
    await identity?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string) =>
    fetch(`http://127.0.0.1:${app.port}${path}`, {
      headers: { Authorization: `Bearer ${identity.token(SMALL_PEOPLE.ada)}` },
    });

  it('"Whole school · not started" lists and exports exactly the people it counts', async () => {
    const progress = (await (await get('/api/it/progress')).json()) as {
      groups: { id: string; name: string; counts: Record<string, number> }[];
    };
    const school = progress.groups.find((g) => g.name === 'Whole school')!;
    const year9 = progress.groups.find((g) => g.name === 'Year 9')!;
    expect(school.counts).to.deep.include({ notStarted: 2, total: 8 });
    expect(year9.counts).to.deep.include({ notStarted: 1, total: 1 });

    const all = (await (await get(`/api/it/people?group=${school.id}`)).json()) as {
      people: { name: string }[];
    };
    expect(all.people).to.have.length(8);
    const notStarted = (await (
      await get(`/api/it/people?group=${school.id}&category=notStarted`)
    ).json()) as {
      people: { name: string }[];
    };
    expect(notStarted.people.map((p) => p.name)).to.deep.equal([
      '=HYPERLINK("http://x.example","Eve")',
      'Dee Dale',
    ]);
    const csv = await (await get(`/api/it/people.csv?group=${school.id}&category=notStarted`)).text();
    const rows = csv.split('\r\n').slice(1, -1);
    expect(rows).to.have.length(2);
    expect(csv).to.not.contain('Zed');
    // Year 9's own list still has him.
    const ofYear9 = (await (await get(`/api/it/people?group=${SMALL_GROUPS.year9}`)).json()) as {
      people: { name: string }[];
    };
    expect(ofYear9.people.map((p) => p.name)).to.deep.equal(['Zed Zeal']);
  });
});
