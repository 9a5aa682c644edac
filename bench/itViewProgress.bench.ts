/**
 * Benchmark (run by hand, not a test): the server side of opening the IT tab for a school of `--pupils` pupils
 * (7 years) and 150 staff: the bot on 127.0.0.1 with an in-memory directory (no Graph latency: this is the bot's
 * own time), signed-in requests with a token from the stand-in identity provider.
 *
 *   NODE_EXTRA_CA_CERTS=.cache/test-tls/cert.pem tsx bench/itViewProgress.bench.ts [--pupils 2000] [--runs 5]
 *
 * Measures: the first GET /api/it/progress (report read into memory, one listing per group, every person
 * classified), the same request again within the cache's five minutes, a fresh count with the report in memory,
 * the whole school's people list as JSON and as CSV, the campaign section (its first answer counts the next
 * reminder's reach; later ones within five minutes are kept) and the open escalations. Medians of `runs` (the
 * first requests: once).
 */
import fs from 'node:fs';
import { startApp } from '../src/app';
import { createContainer } from '../src/container';
import { createLogger } from '../src/logging/logger';
import type { RegisteredMethod } from '../src/domain/registration/methods';
import type { Directory, DirectoryUser, RegistrationDetails } from '../src/ports/directory';
import { tempDataDir } from '../test/support/botProcess';
import { startTabIdentity, tabAppConfig } from '../test/support/itView/tabIdentity';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const PUPILS = Number(arg('pupils', '2000'));
const RUNS = Number(arg('runs', '5'));
const STAFF = 150;
const IT = '7e000000-0000-4000-9000-000000000001';
const group = (n: number) => `5a00000a-0000-4000-8000-${String(n).padStart(12, '0')}`;
const userId = (n: number) => `7e000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function methodsFor(n: number): RegisteredMethod[] | undefined {
  const r = (n * 2654435761) % 100;
  if (r < 2) return undefined;
  if (r < 25) return [];
  if (r < 35) return [{ kind: 'authenticatorApp' }];
  if (r < 45) return [{ kind: 'mobilePhone' }, { kind: 'email' }];
  return [{ kind: 'authenticatorApp' }, { kind: 'email' }];
}

/** A school in memory, paged as Graph pages (999 members, 999 report rows). */
class BenchSchool implements Directory {
  readonly kind = 'demo' as const;
  private readonly users = new Map<string, DirectoryUser & { methods?: RegisteredMethod[] }>();
  private readonly groups = new Map<string, string[]>();

  constructor() {
    const add = (id: string, n: number, department: string, groupIds: string[]) => {
      this.users.set(id, {
        id,
        displayName: `Person ${n}`,
        userPrincipalName: `p${n}@kscs.org.uk`,
        department,
        accountEnabled: true,
        userType: 'member',
        methods: methodsFor(n),
      });
      for (const g of groupIds) this.groups.set(g, [...(this.groups.get(g) ?? []), id]);
    };
    for (let n = 1; n <= PUPILS; n++) {
      const year = 7 + (n % 7);
      add(userId(n), n, `Year ${year}`, [group(year), group(3)]);
    }
    for (let n = PUPILS + 1; n <= PUPILS + STAFF; n++) add(userId(n), n, 'Staff', [group(4)]);
    add(IT, 0, 'IT Support', [group(2), group(4)]);
  }

  getUser(id: string) {
    return Promise.resolve(this.users.get(id));
  }
  findUserByUpn() {
    return Promise.resolve(undefined);
  }
  isTransitiveMemberOf(id: string, groupId: string) {
    return Promise.resolve((this.groups.get(groupId) ?? []).includes(id));
  }
  async *transitiveMembers(groupId: string) {
    const ids = this.groups.get(groupId) ?? [];
    for (let i = 0; i < ids.length; i += 999)
      yield await Promise.resolve(ids.slice(i, i + 999).map((id) => this.users.get(id)!));
  }
  registrationDetails() {
    return Promise.resolve(undefined);
  }
  async *registrationReport(): AsyncIterable<RegistrationDetails[]> {
    const rows = [...this.users.values()]
      .filter((u) => u.methods)
      .map((u) => ({
        userId: u.id,
        methods: u.methods!,
        isMfaRegistered: true,
        isSsprRegistered: true,
        userType: 'member' as const,
        lastUpdated: new Date().toISOString(),
        source: 'report' as const,
      }));
    for (let i = 0; i < rows.length; i += 999) yield await Promise.resolve(rows.slice(i, i + 999));
  }
  liveMethods() {
    return Promise.resolve(undefined);
  }
  existingUserIds(ids: string[]) {
    return Promise.resolve(new Set(ids.filter((id) => this.users.has(id))));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const identity = await startTabIdentity();
  const dataDir = tempDataDir();
  const config = tabAppConfig(identity, dataDir, { STATUS_REPORT_REFRESH_MINUTES: '0' });
  const container = await createContainer(config, {
    log: createLogger('silent'),
    directory: { directory: new BenchSchool() },
  });
  const app = await startApp(container);
  const token = identity.token(IT);
  const timed = async (path: string) => {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${app.port}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    return { ms: performance.now() - started, bytes: body.byteLength };
  };
  try {
    const first = await timed('/api/it/progress');
    // The campaign section's first answer counts the next reminder's reach (kept 5 minutes after).
    const firstCampaign = await timed('/api/it/campaign');
    const campaign: number[] = [];
    const escalations: number[] = [];
    const cached: number[] = [];
    const fresh: number[] = [];
    const people: number[] = [];
    const csv: number[] = [];
    let sizes = { progress: first.bytes, people: 0, csv: 0 };
    for (let i = 0; i < RUNS; i++) {
      cached.push((await timed('/api/it/progress')).ms);
      const started = performance.now();
      await container.itView.progress.view({ fresh: true });
      fresh.push(performance.now() - started);
      campaign.push((await timed('/api/it/campaign')).ms);
      escalations.push((await timed('/api/it/escalations')).ms);
      const p = await timed('/api/it/people');
      const c = await timed('/api/it/people.csv');
      people.push(p.ms);
      csv.push(c.ms);
      sizes = { ...sizes, people: p.bytes, csv: c.bytes };
    }
    console.log(
      JSON.stringify(
        {
          pupils: PUPILS,
          staff: STAFF + 1,
          runs: RUNS,
          firstProgressMs: Math.round(first.ms),
          cachedProgressMs: Math.round(median(cached) * 10) / 10,
          freshCountMs: Math.round(median(fresh)),
          peopleJsonMs: Math.round(median(people)),
          peopleCsvMs: Math.round(median(csv)),
          firstCampaignMs: Math.round(firstCampaign.ms),
          cachedCampaignMs: Math.round(median(campaign) * 10) / 10,
          escalationsMs: Math.round(median(escalations) * 10) / 10,
          bytes: sizes,
        },
        null,
        2,
      ),
    );
  } finally {
    await app.stop();
    await identity.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
