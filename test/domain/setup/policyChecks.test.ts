import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { parseSchoolPolicy, type SchoolPolicy } from '../../../src/domain/policy/schoolPolicy';
import { policyDateChecks, policyGroupRefs } from '../../../src/domain/setup/policyChecks';

const SAMPLE = YAML.parse(
  fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'config', 'kscs.school.yaml'), 'utf8'),
) as Record<string, unknown>;

interface MethodRule {
  allowed?: boolean;
  until?: string;
}
/** The parts of the sample these tests change. */
interface PolicyDoc {
  groups?: Record<string, string>;
  methods: { first: Record<string, MethodRule>; second: Record<string, MethodRule> };
  campaign?: {
    targets: { exclude: { groups: { id: string; name: string }[] } };
    stages: { daysBefore: number; tone: string }[];
    terms: { name: string; from: string; to: string }[];
    holidays: unknown[];
    offDays: string;
  };
}

function policy(change: (doc: PolicyDoc) => void = () => {}): SchoolPolicy {
  const doc = structuredClone(SAMPLE) as unknown as PolicyDoc;
  change(doc);
  const result = parseSchoolPolicy(doc);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.policy;
}

const FILE = '/etc/mfa-buddy/school.yaml';
const failures = (p: SchoolPolicy, today: string) =>
  policyDateChecks(p, today, FILE).filter((l) => l.status === 'fail');

describe('setup check: the policy', () => {
  it('names every group id under the key an admin edits, in the file’s order', () => {
    const refs = policyGroupRefs(
      policy(
        (d) =>
          (d.campaign!.targets.exclude.groups = [
            { id: '5A00000A-0000-4000-8000-0000000000FF', name: 'Leavers' },
          ]),
      ),
    );
    expect(refs.map((r) => r.key)).to.deep.equal([
      'groups.serviceDesk',
      'groups.itStaff',
      'campaign.targets.groups[0]',
      'campaign.targets.groups[1]',
      'campaign.targets.exclude.groups[0]',
      ...[0, 1, 2, 3, 4, 5, 6].map((i) => `campaign.reportGroups[${i}]`),
    ]);
    expect(refs[4]).to.deep.equal({
      key: 'campaign.targets.exclude.groups[0]',
      id: '5a00000a-0000-4000-8000-0000000000ff',
      name: 'Leavers',
    });
    expect(
      policyGroupRefs(
        policy((d) => {
          delete d.groups;
          delete d.campaign;
        }),
      ),
    ).to.deep.equal([]);
  });

  it('the sample policy a month before its date: nothing fails, the reminder days listed', () => {
    const lines = policyDateChecks(policy(), '2026-12-01', FILE);
    expect(lines.map((l) => l.status)).to.deep.equal(['ok', 'ok', 'ok']);
    expect(lines[0]!.text).to.equal(
      'registration.enforcementDate 2027-01-11 (Monday 11 January 2027): in 41 days',
    );
    expect(lines[2]!.text).to.equal(
      'Campaign reminders, all before the enforcement date: 18 December 2026 (21 and 14 days before), 4 January 2027 (7 days before), 8 January 2027 (3 and 1 days before), 11 January 2027 (on the day)',
    );
  });

  it('an enforcement date that has passed fails with a campaign, and only warns without one', () => {
    const [line] = failures(policy(), '2027-01-12');
    expect(line!.text).to.equal(
      'registration.enforcementDate 2027-01-11 (Monday 11 January 2027): passed 1 day ago, so the campaign has ended',
    );
    expect(line!.fix).to.equal(`Set registration.enforcementDate in ${FILE} to the day enforcement starts.`);
    const noCampaign = policy((d) => delete d.campaign);
    expect(failures(noCampaign, '2027-01-12')).to.deep.equal([]);
    expect(policyDateChecks(noCampaign, '2027-01-12', FILE)[0]!.status).to.equal('warn');
    expect(policyDateChecks(noCampaign, '2027-01-11', FILE)[0]!.text).to.match(/: today$/);
  });

  it('a method offered past Microsoft’s announced end fails, naming the key and the date to use', () => {
    const late = policy((d) => {
      d.methods.first.sms!.until = '2027-02-02';
      d.methods.second.securityQuestions!.until = '2027-06-01';
    });
    expect(failures(late, '2026-12-01').map((l) => [l.text, l.fix])).to.deep.equal([
      [
        'methods.first.sms.until 2027-02-02 is later than 2027-02-01, when Microsoft says text codes stop being delivered',
        `Set methods.first.sms.until to 2027-02-01 or earlier in ${FILE}, so the bot stops offering it before it stops working.`,
      ],
      [
        'methods.second.securityQuestions.until 2027-06-01 is later than 2027-03-01, when Microsoft says security questions stop working for password reset',
        `Set methods.second.securityQuestions.until to 2027-03-01 or earlier in ${FILE}, so the bot stops offering it before it stops working.`,
      ],
    ]);
    // The same date, or a method not offered at all, is fine.
    expect(
      failures(
        policy((d) => (d.methods.first.voice = { allowed: false, until: '2028-01-01' })),
        '2026-12-01',
      ),
    ).to.deep.equal([]);
  });

  it('a campaign whose reminder days all fall outside term fails; dropped stages and past ones warn', () => {
    const noTerm = policy((d) => {
      d.campaign!.terms = [{ name: 'Summer', from: '2027-04-12', to: '2027-07-21' }];
      d.campaign!.holidays = [];
      d.campaign!.offDays = 'skip';
    });
    const lines = policyDateChecks(noTerm, '2026-12-01', FILE);
    expect(lines.filter((l) => l.status === 'warn')).to.have.length(6);
    expect(lines.filter((l) => l.status === 'fail').map((l) => l.text)).to.deep.equal([
      'Campaign reminders: none can be sent, no reminder day falls on a school day before the enforcement date',
    ]);
    const passed = policyDateChecks(policy(), '2027-01-11', FILE).at(-1)!;
    expect(passed.status).to.equal('ok');
    const allPast = policyDateChecks(
      policy((d) => (d.campaign!.stages = [{ daysBefore: 7, tone: 'urgent' }])),
      '2027-01-08',
      FILE,
    ).at(-1)!;
    expect(allPast).to.deep.include({
      status: 'warn',
      text: 'Campaign reminders: every reminder day has passed (4 January 2027 (7 days before))',
    });
  });
});
