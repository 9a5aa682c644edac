/**
 * The people behind a number as a CSV file for Excel: UTF-8 with a byte order mark (so Excel reads names with
 * accents), CRLF lines, every cell quoted, and any cell that starts like a formula (= + - @ tab CR) prefixed
 * with an apostrophe, so a name such as `=HYPERLINK(…)` is shown, never run.
 */
import { stringify } from 'csv-stringify/sync';
import { CATEGORY_WORDS, MISSING_WORDS } from './itViewWords';
import type { PersonLine } from './schoolProgressService';

const BOM = '\uFEFF';

export function peopleCsv(people: readonly PersonLine[], groupName: (id: string) => string): string {
  const rows = people.map((p) => [
    p.name,
    p.yearGroup ?? '',
    CATEGORY_WORDS[p.category],
    p.missing.map((code) => MISSING_WORDS[code]).join('; '),
    p.groupIds.map(groupName).join('; '),
  ]);
  return (
    BOM +
    stringify([['Name', 'Year or department', 'Progress', 'What is missing', 'Groups'], ...rows], {
      quoted: true,
      quoted_empty: true,
      escape_formulas: true,
      record_delimiter: 'windows',
    })
  );
}
