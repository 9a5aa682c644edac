/**
 * The privacy rule for logs, checked one way everywhere: logs carry ids, never the names, sign-in names,
 * addresses, phone numbers or typed words of the people a test used. A log with nothing about them would
 * pass any such check: where a test knows whom the log is about, it names their `ids`, which must appear.
 */
import { expect } from 'chai';

export interface KnownPersonalData {
  /** Display names, as the directory or Teams gives them. */
  names?: string[];
  /** Sign-in names, or a school's sign-in domain (e.g. `@kscs.org.uk`) to forbid them all. */
  upns?: string[];
  /** Personal and school mail addresses, or their domains. */
  emails?: string[];
  /** Phone numbers, or a fragment every one of them has (e.g. `+44`). */
  phones?: string[];
  /** Distinctive fragments of what people typed into the chat or a form. */
  typed?: string[];
  /** Object ids that must appear: the log is about these people. */
  ids?: string[];
}

/** Fails naming each piece of personal data found in `log` (lines, or one text) and the line it is on. */
export function expectNoPersonalData(log: string[] | string, known: KnownPersonalData): void {
  const lines = typeof log === 'string' ? log.split('\n') : log;
  const found: string[] = [];
  const kinds = ['names', 'upns', 'emails', 'phones', 'typed'] as const;
  for (const kind of kinds) {
    for (const value of known[kind] ?? []) {
      const line = lines.find((l) => l.toLowerCase().includes(value.toLowerCase()));
      if (line !== undefined) found.push(`${kind} "${value}" in: ${line.slice(0, 300)}`);
    }
  }
  expect(found, `personal data in the log:\n${found.join('\n')}\n`).to.deep.equal([]);
  const text = lines.join('\n');
  const missing = (known.ids ?? []).filter((id) => !text.includes(id));
  expect(missing, 'ids the log should name (it is about them)').to.deep.equal([]);
}
