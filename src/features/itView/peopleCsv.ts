/**
 * The people behind a number as a CSV file for Excel: UTF-8 with a byte order mark (so Excel reads names with
 * accents), CRLF lines, every cell quoted, and any cell that starts like a formula (= + - @ tab CR) prefixed
 * with an apostrophe, so a name such as `=HYPERLINK(…)` is shown, never run.
 */
import { stringify } from 'csv-stringify/sync';
import { CATEGORY_WORDS, MISSING_WORDS } from './itViewWords';
import type { PersonFollowUp } from './personFollowUps';
import type { PersonLine } from './schoolProgressService';

const BOM = '\uFEFF';

export function peopleCsv(
  people: readonly PersonLine[],
  groupName: (id: string) => string,
  followUp: (userId: string) => PersonFollowUp,
): string {
  const rows = people.map((p) => {
    const { lastNudge, openEscalations } = followUp(p.userId);
    return [
      p.name,
      p.yearGroup ?? '',
      CATEGORY_WORDS[p.category],
      p.missing.map((code) => MISSING_WORDS[code]).join('; '),
      p.groupIds.map(groupName).join('; '),
      lastNudge?.stageLabel ?? '',
      lastNudge?.on ?? '',
      lastNudge?.outcomeLabel ?? '',
      openEscalations.join('; '),
    ];
  });
  const header = [
    'Name',
    'Year or department',
    'Progress',
    'What is missing',
    'Groups',
    'Last nudge',
    'Last nudge on',
    'Last nudge outcome',
    'Open escalations',
  ];
  return (
    BOM +
    stringify([header, ...rows], {
      quoted: true,
      quoted_empty: true,
      escape_formulas: true,
      record_delimiter: 'windows',
    })
  );
}
