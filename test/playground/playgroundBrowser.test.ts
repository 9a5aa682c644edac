/**
 * The browser pass: the Agents Playground's web page in headless Chromium, in front of the built bot. It
 * loads the page (which installs the app), clicks through the main path on the rendered cards, then posts
 * every card of the card catalog into the chat through the Playground's connector, as the bot would send
 * them. Every card must render with something to read, nothing sticking out at desktop or phone width,
 * and no warning from the Playground. The main path is photographed at both widths, catalog cards at phone
 * width (see screenshotFolder.ts). The tests run in order on one page: each continues where the last ended.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Locator, Page } from 'playwright-core';
import { cardCatalog } from '../support/cardCatalog';
import {
  CARD_SELECTOR,
  launchChromium,
  locateChromium,
  offlinePage,
  photograph,
  renderProblems,
  waitForMoreCards,
  waitForText,
} from '../support/playground/browser';
import { readIdentity, type PlaygroundIdentity } from '../support/playground/playgroundClient';
import { ScreenshotFolder } from '../support/playground/screenshotFolder';
import { startPlaygroundSession, type PlaygroundSession } from '../support/playground/playgroundSession';

/** The main path: the button to click on the latest card, the heading it leads to, the picture's name. */
const MAIN_PATH: { click?: string; heading: string; name: string }[] = [
  { heading: 'Hi! 👋', name: '01-welcome' },
  { click: "Let's start ▶", heading: 'Choose your first method', name: '02-choose-first-method' },
  { click: 'Use the app', heading: 'Get the Microsoft Authenticator app', name: '03-get-the-app' },
  { click: "I've got the app ▶", heading: 'Open the sign-up page', name: '04-open-the-sign-up-page' },
  { click: 'I can see a QR code ▶', heading: 'Scan the QR code', name: '05-scan-the-qr-code' },
  { click: 'Done ▶', heading: 'Approve the test', name: '06-approve-the-test' },
  { click: 'Approved ▶', heading: 'Now choose your second method', name: '07-choose-second-method' },
  { click: 'Use email', heading: 'Add a personal email', name: '08-add-a-personal-email' },
  { click: 'Done ▶', heading: "🎉 That's it, you're done!", name: '09-finished' },
  { click: 'What happens now? ▶', heading: 'What happens from now on', name: '10-what-happens-now' },
  { click: 'Check my status', heading: "You haven't started yet", name: '11-status' },
  { click: 'I need help', heading: "Let's get you some help", name: '12-help' },
];

/**
 * The page re-renders its whole chat for each new message, so it slows down as the chat grows: the catalog
 * is shown in batches, on a freshly loaded page each.
 */
const CATALOG_BATCH = 12;

/** What the Playground says when it cannot show something properly: in the chat, and in its log panel. */
const PLAYGROUND_WARNING = /\(!\) Warning:|\(×\) Error:|not supported yet|Invalid message|is not supported/;

describe('In the Agents Playground, in a browser', function () {
  this.timeout(180_000);
  const folder = new ScreenshotFolder();
  let session: PlaygroundSession;
  let browser: Browser;
  let page: Page;
  let identity: PlaygroundIdentity;
  const problems: string[] = [];

  before(async () => {
    folder.prepare();
    session = await startPlaygroundSession();
    identity = await readIdentity(session.playground.url);
    const build = await locateChromium();
    browser = await launchChromium(build);
    // Says which browser this run proved: the one from npm unless CHROMIUM_PATH chose another.
    console.log(`      Chromium ${browser.version()} (${build.source}: ${build.executablePath})`);
    ({ page } = await offlinePage(browser));
  });
  after(async () => {
    await browser?.close();
    await session?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(session.diagnostics());
  });

  const cards = () => page.locator(CARD_SELECTOR);

  /** Waits for the card after the first `count` and returns it. */
  async function cardAfter(count: number): Promise<Locator> {
    await waitForMoreCards(page, count);
    return cards().nth(count);
  }

  /**
   * Reloads the page, which installs the app again, and waits until the bot has answered both install
   * activities (the page's log panel lists them with the bot's status), so any greeting is already shown.
   */
  async function reload(): Promise<void> {
    await page.reload();
    await waitForText(page, [/installationUpdate 200/, /conversationUpdate 200/]);
  }

  /** Sends `card` the bot's own way (a message posted to the channel's connector) and returns it rendered. */
  async function postCard(card: object): Promise<Locator> {
    const { serviceUrl } = session.playground;
    const chat = identity.personalChatId;
    const count = await cards().count();
    const sent = await fetch(`${serviceUrl}/v3/conversations/${encodeURIComponent(chat)}/activities`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        from: identity.bot,
        conversation: { id: chat },
        attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
      }),
    });
    expect(sent.status, await sent.text()).to.equal(201);
    return cardAfter(count);
  }

  async function playgroundWarnings(): Promise<string[]> {
    const text = await page.locator('body').innerText();
    return text.split('\n').filter((line) => PLAYGROUND_WARNING.test(line));
  }

  /** Checks and photographs one rendered card; collects what is wrong with it. */
  async function inspect(card: Locator, shot: Parameters<ScreenshotFolder['filesFor']>[0]): Promise<void> {
    const found = await photograph(card, folder.filesFor(shot));
    found.push(...(await playgroundWarnings()).map((w) => `the Playground warns: ${w}`));
    problems.push(...found.map((p) => `${shot.group}/${shot.name}: ${p}`));
  }

  it('installs on page load and greets with the welcome card', async () => {
    await page.goto(session.playground.url);
    const welcome = await cardAfter(0);
    expect(await welcome.innerText()).to.contain('Hi! 👋');
  });

  it('goes through the main path by clicking the rendered cards', async () => {
    for (const [i, step] of MAIN_PATH.entries()) {
      if (step.click) {
        const count = await cards().count();
        await cards()
          .nth(count - 1)
          .getByRole('button', { name: step.click, exact: true })
          .click();
        await cardAfter(count);
      }
      const card = cards().nth(i);
      expect(await card.innerText(), `after clicking "${step.click}"`).to.contain(step.heading);
      await inspect(card, { group: 'playground', name: step.name, title: step.heading });
    }
  });

  it('renders every card of the card catalog', async () => {
    for (const [i, entry] of cardCatalog().entries()) {
      if (i % CATALOG_BATCH === 0) await reload();
      const others = entry.sameAs?.length ?? 0;
      const title =
        others > 0
          ? `${entry.title} (the same in ${others} other context${others > 1 ? 's' : ''})`
          : entry.title;
      await inspect(await postCard(entry.card), { group: 'cards', name: entry.id, title });
    }
  });

  it('found no card that renders empty, sticks out, or makes the Playground warn', () => {
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('has a committed picture of every card, and an index of them (npm run screenshots)', () => {
    const stale = folder.finish();
    expect(stale, stale.join('\n')).to.deep.equal([]);
  });

  it('would have caught a card that renders empty, sticks out on a phone, or makes the Playground warn', async () => {
    await reload();
    const text = (t: string) => ({ type: 'TextBlock', text: t, wrap: true });
    const card = (body: object[], extra: object = {}) => ({
      type: 'AdaptiveCard',
      version: '1.2',
      body,
      ...extra,
    });
    const scratch = path.join(os.tmpdir(), `mfa-buddy-shot-${process.pid}.png`);
    try {
      const empty = await postCard(card([]));
      expect(await renderProblems(empty)).to.include('the card body is empty');
      const wide = await postCard(
        card([{ type: 'ColumnSet', columns: [{ type: 'Column', width: '420px', items: [text('wide')] }] }]),
      );
      expect(await renderProblems(wide)).to.deep.equal([]);
      expect((await photograph(wide, { phone: scratch })).join()).to.match(/phone: .*sticks out of the card/);
      expect(await playgroundWarnings()).to.deep.equal([]);
      await postCard(card([text('Full width')], { msteams: { width: 'Full' } }));
      expect((await playgroundWarnings()).join()).to.match(/not supported yet/);
    } finally {
      fs.rmSync(scratch, { force: true });
    }
  });
});
