/**
 * docs/configuration.md names every environment variable the bot reads, in a table row of its own, so that an
 * admin reading it sees the whole contract.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../support/botProcess';

/** The variables src/config/env.ts validates: one `NAME: optional(…)` line each in its schema. */
function variablesInSchema(): string[] {
  const source = fs.readFileSync(path.join(ROOT, 'src', 'config', 'env.ts'), 'utf8');
  return [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+): optional\(/gm)].map((m) => m[1]!);
}

/** The variables that have a table row of their own in the page (the first cell is the name alone). */
function variablesWithRows(page: string): Set<string> {
  const rows = fs
    .readFileSync(page, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('|'));
  return new Set(rows.flatMap((row) => /^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/.exec(row)?.[1] ?? []));
}

describe('docs/configuration.md', () => {
  it('has a row for every environment variable the bot reads', () => {
    const variables = variablesInSchema();
    expect(variables).to.include.members([
      'PORT',
      'BOT_ID',
      'SUPPORT_CODE_KEY',
      'TRUSTED_PROXY_HOPS',
      'LOG_LEVEL',
    ]);
    const documented = variablesWithRows(path.join(ROOT, 'docs', 'configuration.md'));
    expect(variables.filter((name) => !documented.has(name))).to.deep.equal([]);
  });
});
