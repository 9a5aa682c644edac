import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { STEP_IDS } from '../../src/domain/guide/steps';
import { CARD_CHECKS } from '../support/cardChecks';
import { cardCatalog, catalogSources, type CatalogCard } from '../support/cardCatalog';
import { ROOT } from '../support/botProcess';

/** The card modules of every feature (`src/features/<feature>/…Cards.ts`) and the card functions each exports. */
function exportedCardFunctions(): string[] {
  const root = path.join(ROOT, 'src', 'features');
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => /Cards\.ts$/.test(file))
    .flatMap((file) => {
      const moduleName = path.basename(file).replace(/\.ts$/, '');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = require(path.join(root, file.replace(/\.ts$/, ''))) as Record<string, unknown>;
      return Object.entries(exported)
        .filter(([name, value]) => typeof value === 'function' && /Card$/.test(name))
        .map(([name]) => `${moduleName}.${name}`);
    });
}

describe('Card quality: every card the bot can send', () => {
  const catalog: CatalogCard[] = cardCatalog();

  it('covers every guide step and every card function the conversation exports', () => {
    const sources = catalogSources();
    expect(exportedCardFunctions().filter((fn) => !sources.has(fn))).to.deep.equal([]);
    const stepsSeen = new Set(
      catalog.flatMap((c) => [c.id, ...(c.sameAs ?? [])]).map((id) => /^guide-(.+?)--/.exec(id)?.[1]),
    );
    const missing = STEP_IDS.filter((step) => !stepsSeen.has(step.replace(/[^A-Za-z0-9]+/g, '-')));
    expect(missing).to.deep.equal([]);
    expect(catalog.length).to.be.greaterThan(40);
  });

  for (const { name, check } of CARD_CHECKS) {
    it(name, () => {
      const problems = catalog.flatMap((entry) => check(entry.card).map((p) => `${entry.id}: ${p}`));
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});
