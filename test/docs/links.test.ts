/**
 * Every relative link in the README and the docs points at a file that exists, and at a heading that page has.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../support/botProcess';
import { anchorsOf, brokenLink, headingSlug, linksOf } from '../support/markdownLinks';

/** README.md and every page under docs/. */
function markdownPages(): string[] {
  const pages = [path.join(ROOT, 'README.md')];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) pages.push(full);
    }
  };
  walk(path.join(ROOT, 'docs'));
  return pages;
}

describe('Links in the README and docs', () => {
  it('all lead somewhere: every relative link names a file that exists, and a heading it has', () => {
    const pages = markdownPages();
    expect(pages.map((p) => path.relative(ROOT, p))).to.include.members([
      'README.md',
      'docs/configuration.md',
      'docs/screenshots/README.md',
    ]);
    const links = pages.flatMap(linksOf);
    expect(links.length).to.be.greaterThan(100);
    const broken = links.flatMap((link) => {
      const problem = brokenLink(link);
      return problem ? [`${path.relative(ROOT, link.file)}:${link.line} ${problem}`] : [];
    });
    expect(broken).to.deep.equal([]);
  });

  it('name headings the way GitHub does', () => {
    expect(headingSlug('The campaign in the school policy file')).to.equal(
      'the-campaign-in-the-school-policy-file',
    );
    expect(headingSlug('Microsoft Graph application permissions, and what each exposes')).to.equal(
      'microsoft-graph-application-permissions-and-what-each-exposes',
    );
    expect(headingSlug('`campaign`')).to.equal('campaign');
    expect(headingSlug('Before real users: what you must change')).to.equal(
      'before-real-users-what-you-must-change',
    );
  });

  describe('are caught when broken', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-links-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('a missing file, a missing heading and a missing picture; not a web address or a link in code', () => {
      const page = path.join(dir, 'page.md');
      fs.writeFileSync(
        path.join(dir, 'other.md'),
        '# Other\n\n## Setting up\n\n## Setting up\n\n### `campaign`\n',
      );
      fs.writeFileSync(
        page,
        [
          '# Page',
          '[fine](other.md#setting-up) [second](other.md#setting-up-1) [code](other.md#campaign) [here](#page)',
          '[web](https://example.org/x.md)',
          '[gone](missing.md) [no heading](other.md#tearing-down)',
          '<img src="pictures/none.png" alt="none">',
          '`[in code](nowhere.md)`',
          '```',
          '[in a block](nowhere.md)',
          '```',
        ].join('\n'),
      );
      expect(anchorsOf(path.join(dir, 'other.md'))).to.deep.equal(
        new Set(['other', 'setting-up', 'setting-up-1', 'campaign']),
      );
      const problems = linksOf(page).flatMap((link) => {
        const problem = brokenLink(link);
        return problem ? [`${link.line} ${problem}`] : [];
      });
      expect(problems).to.deep.equal([
        '4 missing.md: no such file',
        '4 other.md#tearing-down: other.md has no heading with that anchor',
        '5 pictures/none.png: no such file',
      ]);
    });
  });
});
