/**
 * Debian's Chromium driven by playwright-core (no browser download works here), kept offline: every
 * request that is not to this machine is aborted, so pages load the same with or without a network.
 */
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser; `.ci/run` installs it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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

/** A desktop Teams window, and the narrowest common phone. */
export const DESKTOP = { width: 1280, height: 1400 };
export const PHONE_WIDTH = 360;

/** Launches Chromium (playwright gives each launch a fresh temporary profile). */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (.ci/run does), or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

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
  getBoundingClientRect(): { left: number; right: number; width: number; height: number };
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
declare const document: { body: PageElement; querySelectorAll(selector: string): ArrayLike<PageElement> };

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
  return card.evaluate((node) => {
    const root = node as unknown as PageElement;
    const problems: string[] = [];
    const box = root.getBoundingClientRect();
    if (root.innerText.trim() === '') problems.push('the card body is empty');
    if (box.height < 24) problems.push(`the card is only ${box.height}px tall`);
    for (const element of Array.from(root.querySelectorAll('*'))) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0) continue;
      if (rect.right > box.right + 1 || rect.left < box.left - 1) {
        const by = Math.round(Math.max(rect.right - box.right, box.left - rect.left));
        problems.push(`"${element.innerText.slice(0, 40)}" sticks out of the card by ${by}px`);
        break;
      }
      // Buttons do not wrap: a title too long for one is cut off.
      if (element.classList.contains('ac-pushButton') && element.scrollWidth > element.clientWidth + 1) {
        problems.push(`button "${element.innerText}" is cut off`);
      }
    }
    return problems;
  });
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
  files: { desktop?: string; phone: string },
): Promise<string[]> {
  // The pointer rests where the last click was: move it off, or a button of the new card shows its hover colour.
  await card.page().mouse.move(0, 0);
  const problems = (await renderProblems(card)).map((p) => `desktop: ${p}`);
  if (files.desktop) await card.screenshot({ path: files.desktop });
  await setCardWidth(card, `${PHONE_WIDTH}px`);
  problems.push(...(await renderProblems(card)).map((p) => `phone: ${p}`));
  await card.screenshot({ path: files.phone });
  await setCardWidth(card, '');
  return problems;
}
