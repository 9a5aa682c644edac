/**
 * The setup checks that need only the school policy: which group ids it names (under which keys), and whether
 * its dates make sense against today and against Microsoft's announced retirements.
 */
import { activeStages, planStages } from '../campaign/stagePlan';
import { daysBetween, formatLongDate, formatShortDate, type LocalDate } from '../policy/localDate';
import { MICROSOFT_DATES } from '../policy/microsoftDates';
import type { SchoolPolicy } from '../policy/schoolPolicy';
import { fail, ok, warn, type CheckLine } from './checkLine';
import type { PolicyGroupRef } from './tenantChecks';

/** Every group id in the policy, under the key an admin would edit, in the file's order. */
export function policyGroupRefs(policy: SchoolPolicy): PolicyGroupRef[] {
  const refs: PolicyGroupRef[] = [];
  if (policy.groups.serviceDesk) refs.push({ key: 'groups.serviceDesk', id: policy.groups.serviceDesk });
  if (policy.groups.itStaff) refs.push({ key: 'groups.itStaff', id: policy.groups.itStaff });
  const campaign = policy.campaign;
  if (campaign) {
    const named = (key: string, groups: readonly { id: string; name: string }[]) =>
      groups.forEach((g, i) => refs.push({ key: `${key}[${i}]`, id: g.id, name: g.name }));
    named('campaign.targets.groups', campaign.targets.groups);
    named('campaign.targets.exclude.groups', campaign.targets.exclude.groups);
    named('campaign.reportGroups', campaign.reportGroups);
  }
  return refs;
}

/** The methods whose end date Microsoft has announced, with the policy key and what ends. */
const RETIRING = [
  {
    key: 'methods.first.sms',
    rule: (p: SchoolPolicy) => p.methods.first.sms,
    ends: MICROSOFT_DATES.smsVoiceDeliveryEnds,
    what: 'text codes stop being delivered',
  },
  {
    key: 'methods.first.voice',
    rule: (p: SchoolPolicy) => p.methods.first.voice,
    ends: MICROSOFT_DATES.smsVoiceDeliveryEnds,
    what: 'call codes stop being delivered',
  },
  {
    key: 'methods.second.securityQuestions',
    rule: (p: SchoolPolicy) => p.methods.second.securityQuestions,
    ends: MICROSOFT_DATES.securityQuestionsResetEnds,
    what: 'security questions stop working for password reset',
  },
] as const;

/**
 * The policy's dates on `today` (a local date in the school's time zone): the enforcement date ahead, no
 * method offered past Microsoft's announced end, and a campaign with reminder days left to send.
 */
export function policyDateChecks(policy: SchoolPolicy, today: LocalDate, policyPath: string): CheckLine[] {
  const lines: CheckLine[] = [];
  const enforcement = policy.registration.enforcementDate;
  const daysLeft = daysBetween(today, enforcement);
  const when = `registration.enforcementDate ${enforcement} (${formatLongDate(enforcement)})`;
  if (daysLeft > 0) lines.push(ok(`${when}: in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`));
  else {
    const text =
      daysLeft === 0 ? `${when}: today` : `${when}: passed ${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago`;
    const fix = `Set registration.enforcementDate in ${policyPath} to the day enforcement starts.`;
    // Without a campaign the bot still guides latecomers; a campaign has nothing left to remind people of.
    lines.push(
      policy.campaign && daysLeft < 0 ? fail(`${text}, so the campaign has ended`, fix) : warn(text, fix),
    );
  }

  const late = RETIRING.filter((r) => {
    const rule = r.rule(policy);
    return rule.allowed && rule.until !== undefined && rule.until > r.ends;
  });
  for (const r of late) {
    lines.push(
      fail(
        `${r.key}.until ${r.rule(policy).until} is later than ${r.ends}, when Microsoft says ${r.what}`,
        `Set ${r.key}.until to ${r.ends} or earlier in ${policyPath}, so the bot stops offering it before it stops working.`,
      ),
    );
  }
  if (late.length === 0) {
    lines.push(
      ok(
        `Method end dates: none later than Microsoft's (texts and calls ${MICROSOFT_DATES.smsVoiceDeliveryEnds}, security questions for reset ${MICROSOFT_DATES.securityQuestionsResetEnds})`,
      ),
    );
  }

  if (policy.campaign) lines.push(...campaignDateChecks(policy, today, policyPath));
  return lines;
}

function campaignDateChecks(policy: SchoolPolicy, today: LocalDate, policyPath: string): CheckLine[] {
  const campaign = policy.campaign!;
  const enforcement = policy.registration.enforcementDate;
  const plan = planStages(campaign, enforcement);
  const active = activeStages(plan);
  const lines: CheckLine[] = [];
  for (const stage of plan.filter((s) => !s.sendOn)) {
    lines.push(
      warn(
        `Campaign reminder ${stage.daysBefore} days before (${formatShortDate(stage.nominal)}): dropped, no school day to send it on`,
        `Check campaign.terms and campaign.holidays in ${policyPath}, or set campaign.offDays to earlier.`,
      ),
    );
  }
  if (active.length === 0) {
    lines.push(
      fail(
        'Campaign reminders: none can be sent, no reminder day falls on a school day before the enforcement date',
        `Check that campaign.terms in ${policyPath} cover the weeks before registration.enforcementDate.`,
      ),
    );
    return lines;
  }
  const days = active.map((s) => {
    const counts = [...plan.filter((p) => p.mergedInto === s.key), s].map((p) => p.daysBefore);
    const before =
      counts.length === 1 && counts[0] === 0 ? 'on the day' : `${counts.join(' and ')} days before`;
    return `${formatShortDate(s.sendOn)} (${before})`;
  });
  const ahead = active.filter((s) => s.sendOn >= today);
  if (ahead.length === 0 && daysBetween(today, enforcement) >= 0) {
    lines.push(
      warn(
        `Campaign reminders: every reminder day has passed (${days.join(', ')})`,
        `To remind people again, add a stage with fewer campaign.stages[].daysBefore in ${policyPath}.`,
      ),
    );
  } else {
    lines.push(ok(`Campaign reminders, all before the enforcement date: ${days.join(', ')}`));
  }
  return lines;
}
