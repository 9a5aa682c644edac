/**
 * Where the browser pass puts its pictures. `npm run screenshots` (UPDATE_SCREENSHOTS=1) writes them, and
 * their index, into docs/screenshots/ to be committed, shrunk with `pngquant` when it is installed; `npm test`
 * takes no pictures (encoding 280 of them was a third of the browser pass) and fails when the committed folder is
 * missing a picture, holds a stale one, or its index is out of date. Pixels are not compared: fonts differ
 * between machines.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../botProcess';

export const COMMITTED_DIR = path.join(ROOT, 'docs', 'screenshots');

/** One photographed card: a desktop and a phone picture, and what it shows. */
export interface Shot {
  /** Sub-folder: `playground` (the main path, clicked through) or `cards` (the catalog). */
  group: 'playground' | 'cards';
  name: string;
  title: string;
}

/** Per group: the index's heading and introduction, and whether a desktop picture is kept too. */
const GROUPS: Record<Shot['group'], { heading: string; intro: string; desktop: boolean }> = {
  playground: {
    desktop: true,
    heading: 'The main path, clicked through in the Agents Playground',
    intro:
      'Welcome on install, the Authenticator app, a personal email, the finish, status and help: each card as the Playground rendered it after a click on the previous one.',
  },
  cards: {
    // Both widths: the phone is the narrow case that matters, the desktop is what IT sees beside it.
    desktop: true,
    heading: 'Every card the bot can send (the card catalog)',
    intro:
      'Every guide step in each context that changes its words, and every answer, from `test/support/cardCatalog.ts`, posted into the Playground chat through its connector as the bot would send them.',
  },
};

/** IT's tab is not a card: its picture is taken by the tab's own browser test (listed here, kept apart). */
const TAB_SECTION = [
  "## IT's progress tab",
  '',
  "The sample school's tab at 1280 px, with the campaign and the open escalations, taken by",
  '`test/features/itView/progressTab.browser.test.ts` when `UPDATE_SCREENSHOTS=1`: [desktop](tab/it-progress.desktop.png).',
].join('\n');

export class ScreenshotFolder {
  readonly update = process.env.UPDATE_SCREENSHOTS === '1';
  readonly shots: Shot[] = [];

  /** Empties the committed pictures before an update writes them all again; nothing otherwise. */
  prepare(): void {
    if (!this.update) return;
    for (const group of Object.keys(GROUPS)) {
      fs.rmSync(path.join(COMMITTED_DIR, group), { recursive: true, force: true });
      fs.mkdirSync(path.join(COMMITTED_DIR, group), { recursive: true });
    }
  }

  /** The pictures to take of `shot`, as relative paths (and remembers it for the index). */
  private picturesOf(shot: Shot): { desktop?: string; phone: string } {
    const base = `${shot.group}/${shot.name}`;
    return {
      phone: `${base}.phone.png`,
      desktop: GROUPS[shot.group].desktop ? `${base}.desktop.png` : undefined,
    };
  }

  /** The files to write for `shot` (none unless updating), and remembers it for the index. */
  filesFor(shot: Shot): { desktop?: string; phone?: string } {
    this.shots.push(shot);
    if (!this.update) return {};
    const { desktop, phone } = this.picturesOf(shot);
    return { phone: path.join(COMMITTED_DIR, phone), desktop: desktop && path.join(COMMITTED_DIR, desktop) };
  }

  /** docs/screenshots/README.md for the pictures taken. */
  index(): string {
    const sections = (Object.keys(GROUPS) as Shot['group'][]).map((group) => {
      const { heading, intro, desktop } = GROUPS[group];
      const rows = this.shots
        .filter((s) => s.group === group)
        .map((s) => {
          const pictures = this.picturesOf(s);
          const title = s.title.replace(/\|/g, '\\|');
          const phone = `<img src="${pictures.phone}" width="240" alt="${s.title.replace(/"/g, "'")}, on a phone">`;
          return desktop
            ? `| ${title} | ${phone} | [desktop](${pictures.desktop}) |`
            : `| ${title} | ${phone} |`;
        });
      const header = desktop
        ? ['| card | phone (360 px) | desktop |', '| --- | --- | --- |']
        : ['| card | phone (360 px) |', '| --- | --- |'];
      return [`## ${heading}`, '', intro, '', ...header, ...rows].join('\n');
    });
    return [
      '# Screenshots of every card',
      '',
      'Taken by the browser pass (`test/playground/playgroundBrowser.test.ts`) in the Microsoft 365 Agents',
      "Playground's own Adaptive Card renderer, in headless Chromium: each card at the Playground's desktop width",
      'and again narrowed to a 360 px phone column. Regenerate with `npm run screenshots`; `npm test` fails when',
      'a card has no picture here or a picture no longer matches a card. See [../playground.md](../playground.md).',
      '',
      ...sections.flatMap((s) => [s, '']),
      TAB_SECTION,
      '',
    ].join('\n');
  }

  /** Writes the index when updating; otherwise the problems between the committed folder and this pass. */
  finish(): string[] {
    const index = this.index();
    const indexFile = path.join(COMMITTED_DIR, 'README.md');
    const expected = new Set(
      this.shots.flatMap((s) => Object.values(this.picturesOf(s)).filter((f): f is string => !!f)),
    );
    if (this.update) {
      fs.writeFileSync(indexFile, index);
      shrink([...expected].map((f) => path.join(COMMITTED_DIR, f)));
      return [];
    }
    const committed = new Set(
      Object.keys(GROUPS).flatMap((group) => {
        const folder = path.join(COMMITTED_DIR, group);
        return fs.existsSync(folder) ? fs.readdirSync(folder).map((file) => `${group}/${file}`) : [];
      }),
    );
    const problems = [
      ...[...expected].filter((f) => !committed.has(f)).map((f) => `docs/screenshots/${f} is missing`),
      ...[...committed]
        .filter((f) => !expected.has(f))
        .map((f) => `docs/screenshots/${f} shows no current card`),
    ];
    const current = fs.existsSync(indexFile) ? fs.readFileSync(indexFile, 'utf8') : '';
    if (current !== index) problems.push('docs/screenshots/README.md is out of date');
    return problems;
  }
}

/** Quantises the committed pictures to 256 colours (text on flat colours loses nothing visible). */
function shrink(files: string[]): void {
  const args = ['--force', '--ext', '.png', '--strip', '--skip-if-larger', '--quality', '80-100', ...files];
  const result = spawnSync('pngquant', args, { stdio: 'inherit' });
  if (result.error) console.log('pngquant is not installed: the pictures are kept as Chromium wrote them.');
}
