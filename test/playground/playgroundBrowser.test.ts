/**
 * The browser pass: the Agents Playground's web page in headless Chromium, in front of the built bot. It
 * loads the page (which installs the app), clicks through the main path on the rendered cards, then posts
 * every card of the card catalog into the chat through the Playground's connector, as the bot would send
 * them. Every card must render with something to read, nothing sticking out at desktop or phone width,
 * and no warning from the Playground. The main path is photographed at both widths, catalog cards at phone
 * width (see screenshotFolder.ts). Each test stands alone: the main path has a Playground of its own (a user
 * who has never installed the app), the catalog tests share another, and the picture check needs neither.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { cardCatalog, type CatalogCard } from '../support/cardCatalog';
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
import {
  PlaygroundClient,
  readIdentity,
  type PlaygroundIdentity,
} from '../support/playground/playgroundClient';
import { BASE_LOCALE, packageCatalogues } from '../../src/i18n/catalogue';
import { headingOf } from '../support/cards';
import { until } from '../support/until';
import { ScreenshotFolder, type Shot } from '../support/playground/screenshotFolder';
import { startPlaygroundSession, type PlaygroundSession } from '../support/playground/playgroundSession';

/** The locale a Teams client in each language sends (a catalogue's own tag when not listed). */
const TEAMS_LOCALES: Record<string, string> = {
  pl: 'pl-PL',
  ur: 'ur-PK',
  ro: 'ro-RO',
  lt: 'lt-LT',
  pt: 'pt-PT',
  uk: 'uk-UA',
  cy: 'cy-GB',
};

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

/** Every language the bot speaks but English, with the locale Teams reports for it. */
const OTHER_LANGUAGES = packageCatalogues('Europe/London')
  .languages()
  .filter(({ locale }) => locale !== BASE_LOCALE)
  .map((language) => ({ ...language, teams: TEAMS_LOCALES[language.locale] ?? language.locale }));

/** The pictures of a pupil's first two cards in `language`: the welcome and the guide's first step. */
function languageShots(locale: string): { welcome: Shot; firstStep: Shot } {
  const t = packageCatalogues('Europe/London').translatorFor(locale);
  return {
    welcome: { group: 'playground', name: `13-welcome--${locale}`, title: t('guide.welcome.heading') },
    firstStep: {
      group: 'playground',
      name: `14-choose-first-method--${locale}`,
      title: t('guide.chooseFirst.heading'),
    },
  };
}

/** The title a catalog card is listed under in the pictures' index. */
function catalogTitle(entry: CatalogCard): string {
  const others = entry.sameAs?.length ?? 0;
  return others > 0
    ? `${entry.title} (the same in ${others} other context${others > 1 ? 's' : ''})`
    : entry.title;
}

/** Every picture the browser pass takes: the main path's cards, then the catalog's. */
function everyShot(): Shot[] {
  return [
    ...MAIN_PATH.map((step): Shot => ({ group: 'playground', name: step.name, title: step.heading })),
    ...OTHER_LANGUAGES.flatMap(({ locale }) => Object.values(languageShots(locale))),
    ...cardCatalog().map((entry): Shot => ({ group: 'cards', name: entry.id, title: catalogTitle(entry) })),
  ];
}

/**
 * The page re-renders its whole chat for each new message, so it slows down as the chat grows: the catalog
 * is shown in batches, on a freshly loaded page each. A batch is posted at once and rendered together, which
 * costs little more than a card at a time: 24 to a page halves the page loads.
 */
const CATALOG_BATCH = 24;

/** What the Playground says when it cannot show something properly: in the chat, and in its log panel. */
const PLAYGROUND_WARNING = /\(!\) Warning:|\(×\) Error:|not supported yet|Invalid message|is not supported/;

describe('In the Agents Playground, in a browser', function () {
  this.timeout(180_000);
  const folder = new ScreenshotFolder();
  let browser: Browser;

  before(async () => {
    folder.prepare();
    const build = await locateChromium();
    browser = await launchChromium(build);
    // Says which browser this run proved: the one from npm unless CHROMIUM_PATH chose another.
    console.log(`      Chromium ${browser.version()} (${build.source}: ${build.executablePath})`);
  });
  after(async () => {
    await browser?.close();
  });

  /** A Playground in front of a fresh bot, and a page on it (not loaded yet: loading it installs the app). */
  function withPlayground(): {
    page: () => Page;
    session: () => PlaygroundSession;
    identity: () => PlaygroundIdentity;
  } {
    let session: PlaygroundSession;
    let identity: PlaygroundIdentity;
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      session = await startPlaygroundSession();
      identity = await readIdentity(session.playground.url);
      ({ context, page } = await offlinePage(browser));
    });
    after(async () => {
      await context?.close();
      await session?.stop();
    });
    afterEach(function () {
      if (this.currentTest?.state === 'failed') console.log(session.diagnostics());
    });
    return { page: () => page, session: () => session, identity: () => identity };
  }

  const cardsOn = (page: Page) => page.locator(CARD_SELECTOR);

  /** Waits for the card after the first `count` and returns it. */
  async function cardAfter(page: Page, count: number): Promise<Locator> {
    await waitForMoreCards(page, count);
    return cardsOn(page).nth(count);
  }

  /** The chat's last card once it shows `text` (an installation can start the page's chat afresh). */
  async function lastCardShowing(page: Page, text: string): Promise<Locator> {
    const last = cardsOn(page).last();
    await until(async () => (await last.innerText()).includes(text), {
      what: `a card showing "${text}"`,
    });
    return last;
  }

  async function playgroundWarnings(page: Page): Promise<string[]> {
    const text = await page.locator('body').innerText();
    return text.split('\n').filter((line) => PLAYGROUND_WARNING.test(line));
  }

  /** Checks and photographs one rendered card; returns what is wrong with it. */
  async function inspect(page: Page, card: Locator, shot: Shot): Promise<string[]> {
    const found = await photograph(card, folder.filesFor(shot));
    found.push(...(await playgroundWarnings(page)).map((w) => `the Playground warns: ${w}`));
    return found.map((p) => `${shot.group}/${shot.name}: ${p}`);
  }

  describe('the main path, for a pupil who has never opened the app', () => {
    const playground = withPlayground();

    it('greets on page load, then each click on a rendered card shows the next step, every card clean', async () => {
      const page = playground.page();
      await page.goto(playground.session().playground.url);
      const problems: string[] = [];
      for (const [i, step] of MAIN_PATH.entries()) {
        if (step.click) {
          const count = await cardsOn(page).count();
          await cardsOn(page)
            .nth(count - 1)
            .getByRole('button', { name: step.click, exact: true })
            .click();
        }
        const card = await cardAfter(page, i);
        expect(await card.innerText(), step.click ? `after clicking "${step.click}"` : 'on load').to.contain(
          step.heading,
        );
        problems.push(
          ...(await inspect(page, card, { group: 'playground', name: step.name, title: step.heading })),
        );
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  });

  describe("a pupil whose Teams is in another language (the activity's locale)", () => {
    const playground = withPlayground();

    it('is welcomed and starts the guide in each language the bot speaks, every card clean', async () => {
      const page = playground.page();
      const { url } = playground.session().playground;
      await page.goto(url);
      await waitForText(page, [/installationUpdate 200/, /conversationUpdate 200/]);
      const client = await PlaygroundClient.connect(url);
      const problems: string[] = [];
      try {
        for (const [i, { locale, teams }] of OTHER_LANGUAGES.entries()) {
          const t = packageCatalogues('Europe/London').translatorFor(locale);
          const shots = languageShots(locale);
          // A pupil of their own per language: the bot welcomes each user once.
          const pupil = client.inLocale(teams, {
            id: `29:playground-pupil-${locale}`,
            aadObjectId: `5a000000-0000-4000-8000-0000000010${String(i).padStart(2, '0')}`,
            name: 'Sam Taylor',
          });

          const [welcome] = await pupil.install();
          const welcomeCard = await lastCardShowing(page, t('guide.welcome.safety'));
          problems.push(...(await inspect(page, welcomeCard, shots.welcome)));

          const [step] = await pupil.press(welcome!, t('buttons.start'));
          expect(headingOf(step!.cards[0]!), `${teams}: the first step`).to.equal(shots.firstStep.title);
          const stepCard = await lastCardShowing(page, shots.firstStep.title);
          problems.push(...(await inspect(page, stepCard, shots.firstStep)));
        }
      } finally {
        await client.close();
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  });

  describe('cards posted into the chat as the bot sends them', () => {
    const playground = withPlayground();

    /**
     * Loads the page afresh, which installs the app again, and waits until the bot has answered both install
     * activities (the page's log panel lists them with the bot's status), so any greeting is already shown.
     */
    async function load(): Promise<Page> {
      const page = playground.page();
      await page.goto(playground.session().playground.url);
      await waitForText(page, [/installationUpdate 200/, /conversationUpdate 200/]);
      return page;
    }

    /**
     * Sends `cards` the bot's own way (messages posted to the channel's connector, one after the other) and
     * returns them rendered, in order.
     */
    async function postCards(page: Page, cards: object[]): Promise<Locator[]> {
      const { serviceUrl } = playground.session().playground;
      const identity = playground.identity();
      const chat = identity.personalChatId;
      const count = await cardsOn(page).count();
      for (const card of cards) {
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
      }
      await waitForMoreCards(page, count + cards.length - 1);
      return cards.map((_, i) => cardsOn(page).nth(count + i));
    }

    async function postCard(page: Page, card: object): Promise<Locator> {
      return (await postCards(page, [card]))[0]!;
    }

    it('renders every card of the card catalog with something to read, nothing sticking out, and no warning', async () => {
      const problems: string[] = [];
      const catalog = cardCatalog();
      for (let i = 0; i < catalog.length; i += CATALOG_BATCH) {
        const page = await load();
        const batch = catalog.slice(i, i + CATALOG_BATCH);
        const rendered = await postCards(
          page,
          batch.map((entry) => entry.card),
        );
        for (const [j, entry] of batch.entries()) {
          const shot: Shot = { group: 'cards', name: entry.id, title: catalogTitle(entry) };
          const found = await photograph(rendered[j]!, folder.filesFor(shot));
          problems.push(...found.map((p) => `${shot.group}/${shot.name}: ${p}`));
        }
        // Once the batch is shown: a warning names the batch's cards (any of them may have caused it).
        const warnings = await playgroundWarnings(page);
        const named = batch.map((entry) => entry.id).join(', ');
        problems.push(...warnings.map((w) => `one of cards/${named}: the Playground warns: ${w}`));
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });

    it('would have caught a card that renders empty, sticks out on a phone, or makes the Playground warn', async () => {
      const page = await load();
      const text = (t: string) => ({ type: 'TextBlock', text: t, wrap: true });
      const card = (body: object[], extra: object = {}) => ({
        type: 'AdaptiveCard',
        version: '1.2',
        body,
        ...extra,
      });
      const scratch = path.join(os.tmpdir(), `mfa-buddy-shot-${process.pid}.png`);
      try {
        const empty = await postCard(page, card([]));
        expect(await renderProblems(empty)).to.deep.equal(['the card body is empty']);
        const wide = await postCard(
          page,
          card([{ type: 'ColumnSet', columns: [{ type: 'Column', width: '420px', items: [text('wide')] }] }]),
        );
        expect(await renderProblems(wide)).to.deep.equal([]);
        expect((await photograph(wide, { phone: scratch })).join()).to.match(
          /phone: .*sticks out of the card/,
        );
        expect(await playgroundWarnings(page)).to.deep.equal([]);
        await postCard(page, card([text('Full width')], { msteams: { width: 'Full' } }));
        expect((await playgroundWarnings(page)).join()).to.match(/not supported yet/);
      } finally {
        fs.rmSync(scratch, { force: true });
      }
    });
  });

  describe('the committed pictures (npm run screenshots)', () => {
    it('has a committed picture of every card the pass photographs, none of a card that is gone, and their index', () => {
      // When updating, the pictures were just taken into docs/screenshots by the tests above: write the index.
      const committed = folder.update ? folder : new ScreenshotFolder();
      if (!folder.update) for (const shot of everyShot()) committed.filesFor(shot);
      const stale = committed.finish();
      expect(stale, stale.join('\n')).to.deep.equal([]);
    });
  });
});
