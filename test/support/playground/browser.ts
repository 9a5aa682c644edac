/**
 * Headless Chromium driven by playwright-core (playwright's own browser download is not used), kept offline:
 * every request that is not to this machine is aborted, so pages load the same with or without a network.
 * The browser comes from npm (`@sparticuz/chromium` ships one inside the package), so a machine with only
 * Node runs the browser pass; CHROMIUM_PATH points it at another build instead (e.g. `/usr/bin/chromium`).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ROOT } from '../botProcess';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Which Chromium a run uses, and why. */
export interface ChromiumBuild {
  executablePath: string;
  source: 'CHROMIUM_PATH' | 'npm';
  /** Extra environment for the browser process (the npm build's fonts). */
  env: Record<string, string>;
}

/**
 * CHROMIUM_PATH when it is set (a system Chromium, or any other build), otherwise the npm package's
 * Chromium, unpacked on first use (about 3 s, into the temporary folder, then reused). There is no silent
 * fallback from one to the other: a run says which browser it proved.
 */
export async function locateChromium(
  env: NodeJS.ProcessEnv = process.env,
  systemFontConfig = '/etc/fonts/fonts.conf',
): Promise<ChromiumBuild> {
  const chosen = env.CHROMIUM_PATH?.trim();
  if (chosen) {
    if (!fs.existsSync(chosen)) {
      throw new Error(
        `CHROMIUM_PATH is ${chosen}, which does not exist: unset it to use the Chromium that npm installed, or point it at a Chromium or Chrome executable.`,
      );
    }
    return { executablePath: chosen, source: 'CHROMIUM_PATH', env: {} };
  }
  const { default: npmChromium } = await import('@sparticuz/chromium');
  const executablePath = await npmChromium.executablePath();
  return {
    executablePath,
    source: 'npm',
    env: { FONTCONFIG_FILE: npmFontConfig(executablePath, systemFontConfig) },
  };
}

/**
 * A fontconfig file for the npm build: the machine's own fonts first (so pictures look as they do with the
 * system's Chromium), then the font the package ships (Open Sans, unpacked beside the browser). A machine
 * with no fonts at all would otherwise lay every line of text out zero pixels wide.
 */
function npmFontConfig(executablePath: string, systemFontConfig: string): string {
  const dir = path.join(ROOT, '.cache', 'chromium');
  const packageFonts = path.join(path.dirname(executablePath), 'fonts');
  const config = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <include ignore_missing="yes">${systemFontConfig}</include>`,
    `  <dir>${packageFonts}</dir>`,
    `  <cachedir>${path.join(dir, 'font-cache')}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
  // Named by its content, so runs that want different fonts never overwrite each other's file; written beside
  // it and renamed into place, so a browser starting in another test process never reads it half-written.
  const file = path.join(dir, `fonts-${createHash('sha256').update(config).digest('hex').slice(0, 12)}.conf`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}`;
  fs.writeFileSync(partial, config);
  fs.renameSync(partial, file);
  return file;
}

/** Launches Chromium (playwright gives each launch a fresh temporary profile). */
export async function launchChromium(build?: ChromiumBuild): Promise<Browser> {
  const { executablePath, source, env } = build ?? (await locateChromium());
  try {
    return await chromium.launch({ executablePath, args: CHROMIUM_ARGS, env: { ...process.env, ...env } });
  } catch (error) {
    const hint =
      source === 'npm'
        ? 'The Chromium from npm (@sparticuz/chromium) needs libnss3, libnspr4 and libexpat from the system; install them, or set CHROMIUM_PATH to an installed Chromium (e.g. /usr/bin/chromium).'
        : 'Check CHROMIUM_PATH, or unset it to use the Chromium that npm installed.';
    throw new Error(`Chromium at ${executablePath} (${source}) did not start. ${hint}\n${String(error)}`);
  }
}

/** A desktop Teams window, and the narrowest common phone. */
export const DESKTOP = { width: 1280, height: 1400 };
export const PHONE_WIDTH = 360;

/** A desktop-sized page that can reach 127.0.0.1 and nothing else (the Playground asks a CDN for fonts). */
export async function offlinePage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: DESKTOP,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    return hostname === '127.0.0.1' || hostname === 'localhost' ? route.continue() : route.abort();
  });
  return { context, page: await context.newPage() };
}

/** The little of the DOM the in-page functions below use (the project compiles without the DOM library). */
interface PageElement {
  readonly innerText: string;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly classList: { contains(name: string): boolean };
  readonly style: { width: string; boxSizing: string };
  readonly parentElement: PageElement | null;
  getBoundingClientRect(): { left: number; right: number; width: number; height: number };
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
declare const document: { body: PageElement; querySelectorAll(selector: string): ArrayLike<PageElement> };
declare function getComputedStyle(element: PageElement): { overflowX: string; visibility: string };

/** The Playground renders each Adaptive Card into one of these. */
export const CARD_SELECTOR = '.ac-adaptiveCard';

/** Waits until the page shows more than `count` cards. */
export async function waitForMoreCards(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    ([selector, n]) => document.querySelectorAll(selector).length > n,
    [CARD_SELECTOR, count] as const,
    { timeout: 15_000 },
  );
}

/** Waits until the page's text matches every one of `patterns`. */
export async function waitForText(page: Page, patterns: RegExp[]): Promise<void> {
  const sources = patterns.map((p) => p.source);
  await page.waitForFunction(
    (all) => all.every((source) => new RegExp(source).test(document.body.innerText)),
    sources,
    {
      timeout: 15_000,
    },
  );
}

/** What is wrong with a rendered card: nothing to read, or parts that stick out of it. */
export async function renderProblems(card: Locator): Promise<string[]> {
  return (await renderProblemsAt(card, ['']))[0]!;
}

/**
 * What is wrong with a rendered card at each of `widths` (a CSS width for its root, '' for as it is), in one
 * visit to the page: the root is narrowed for each in turn, so the same renderer lays it out again, and left
 * as it was.
 */
async function renderProblemsAt(card: Locator, widths: string[]): Promise<string[][]> {
  return card.evaluate((node, all) => {
    const root = node as unknown as PageElement;
    const atEachWidth: string[][] = [];
    for (const width of all) {
      root.style.width = width;
      root.style.boxSizing = width ? 'border-box' : '';
      const problems: string[] = [];
      const box = root.getBoundingClientRect();
      if (root.innerText.trim() === '') problems.push('the card body is empty');
      if (box.height < 24) problems.push(`the card is only ${box.height}px tall`);
      for (const element of Array.from(root.querySelectorAll('*'))) {
        const rect = element.getBoundingClientRect();
        if (rect.width === 0) continue;
        if (rect.right > box.right + 1 || rect.left < box.left - 1) {
          // Not if it is hidden, or a box inside the card (a chart's scroll area, say) cuts it off at the card's
          // edges: then nothing shows outside. (No helper function here: the test runner's name-keeping would
          // break it in the page.)
          let clipped = getComputedStyle(element).visibility === 'hidden';
          for (let p = element.parentElement; p && p !== root && !clipped; p = p.parentElement) {
            if (getComputedStyle(p).overflowX === 'visible') continue;
            const r = p.getBoundingClientRect();
            clipped = r.right <= box.right + 1 && r.left >= box.left - 1;
          }
          if (clipped) continue;
          const by = Math.round(Math.max(rect.right - box.right, box.left - rect.left));
          problems.push(`"${element.innerText.slice(0, 40)}" sticks out of the card by ${by}px`);
          break;
        }
        // Buttons do not wrap: a title too long for one is cut off.
        if (element.classList.contains('ac-pushButton') && element.scrollWidth > element.clientWidth + 1) {
          problems.push(`button "${element.innerText}" is cut off`);
        }
      }
      atEachWidth.push(problems);
    }
    root.style.width = '';
    root.style.boxSizing = '';
    return atEachWidth;
  }, widths);
}

async function setCardWidth(card: Locator, width: string): Promise<void> {
  await card.evaluate((node, w) => {
    const root = node as unknown as PageElement;
    root.style.width = w;
    root.style.boxSizing = w ? 'border-box' : '';
  }, width);
}

/**
 * Checks `card` as it is (desktop), then in a phone-wide column: the card's root is narrowed, so the same
 * renderer lays it out again at PHONE_WIDTH. Screenshots it at each width a file is given for, and returns
 * what went wrong at either width.
 */
export async function photograph(
  card: Locator,
  files: { desktop?: string; phone?: string },
): Promise<string[]> {
  // The pointer rests where the last click was: move it off, or a button of the new card shows its hover colour.
  await card.page().mouse.move(0, 0);
  const [desktop, phone] = await renderProblemsAt(card, ['', `${PHONE_WIDTH}px`]);
  const problems = [...desktop!.map((p) => `desktop: ${p}`), ...phone!.map((p) => `phone: ${p}`)];
  if (files.desktop) await card.screenshot({ path: files.desktop });
  if (files.phone) {
    await setCardWidth(card, `${PHONE_WIDTH}px`);
    await card.screenshot({ path: files.phone });
    await setCardWidth(card, '');
  }
  return problems;
}
