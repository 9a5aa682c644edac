/**
 * The IT view in chat: the overview as a stacked bar chart (a bar per group, a segment per category) where Teams
 * draws charts (desktop and web), and as a table (a row per group: done, and what is left by category) where it
 * does not (Teams mobile), with a button to the tab, where the people behind each number are.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import {
  renderProgressCard,
  type CardLink,
  type CardTip,
  type ProgressChartBar,
} from '../../cards/renderCards';
import { formatLongDate, formatShortDate } from '../../domain/policy/localDate';
import type { SchoolPolicy } from '../../domain/policy/schoolPolicy';
import {
  PROGRESS_CATEGORIES,
  percentComplete,
  type GroupProgress,
  type ProgressCategory,
} from '../../domain/progress/schoolProgress';
import { answer } from '../shared/answerCards';
import { CATEGORY_WORDS, count, stillToDo } from './itViewWords';
import type { ProgressView } from './schoolProgressService';

/** The chart's colours (Teams' named chart colours), as the tab colours the categories. */
const CHART_COLOURS: Record<ProgressCategory, string> = {
  complete: 'good',
  phoneOnly: 'warning',
  partly: 'categoricalMarigold',
  notStarted: 'attention',
  unknown: 'neutral',
};

/** A bar per group, the categories as its series: the same counts as the table's rows. */
export function progressChart(groups: readonly GroupProgress[]): ProgressChartBar[] {
  return groups.map((g) => ({
    title: g.name,
    data: PROGRESS_CATEGORIES.map((c) => ({
      legend: CATEGORY_WORDS[c],
      value: g.counts[c],
      color: CHART_COLOURS[c],
    })),
  }));
}

/** The overview for IT staff; `tabUrl` opens the personal tab (absent when the Teams app id is not configured). */
export function progressOverviewCard(
  view: Omit<ProgressView, 'people'>,
  policy: SchoolPolicy,
  tabUrl?: string,
): AdaptiveCardJson {
  const heading = `📊 Registration progress, ${formatLongDate(view.today)}`;
  const [school, ...groups] = view.groups;
  const paragraphs = school
    ? [
        `**${count(school.counts.complete)} of ${count(school.counts.total)}** people are done (${percentComplete(school.counts)}%). The deadline is ${formatLongDate(policy.registration.enforcementDate)}.`,
      ]
    : [];
  if (groups.length === 0)
    paragraphs.push(
      'The school policy lists no groups (`campaign.reportGroups`, `campaign.targets`): nothing to count.',
    );
  const tips: CardTip[] = [];
  if (school && school.counts.phoneOnly > 0 && view.phoneEnds)
    tips.push({
      style: 'attention',
      text: `⚠️ ${count(school.counts.phoneOnly)} people sign in with texts or calls only. Those stop on ${formatShortDate(view.phoneEnds)}: they will be locked out unless they add the app.`,
    });
  if (!view.hasReport)
    tips.push({
      style: 'emphasis',
      text: 'This tenant has no registration report (it needs Entra ID P1): people show as "not known yet" until they check their own status.',
    });
  const rows = view.groups.map((g) => ({
    group: g.name,
    done: `${count(g.counts.complete)}/${count(g.counts.total)} · ${percentComplete(g.counts)}%`,
    left: stillToDo(g.counts),
    weight: g.kind === 'school' ? ('bolder' as const) : ('default' as const),
  }));
  const links: CardLink[] = tabUrl ? [{ title: 'Open the progress tab', url: tabUrl }] : [];
  return renderProgressCard({
    heading,
    paragraphs,
    columns: ['Group', 'Done', 'Still to do'],
    rows,
    chartTitle: 'People by group',
    chart: progressChart(view.groups),
    tips,
    links,
    fallbackText: [heading, ...paragraphs, ...rows.map((r) => `${r.group}: ${r.done}; ${r.left}`)].join('\n'),
  });
}

/** No figures yet: still counting (a big school, a slow directory), or the count failed. */
export function progressUnavailableCard(why: 'counting' | 'failed'): AdaptiveCardJson {
  return answer({
    heading: why === 'counting' ? '⏳ Still counting' : "I couldn't count the figures just now",
    paragraphs: [
      why === 'counting'
        ? 'Counting the whole school takes a little longer this time. Type **progress** again in a minute.'
        : 'The directory did not answer. Type **progress** again in a minute.',
    ],
    actions: [],
  });
}
