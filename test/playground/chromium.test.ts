/**
 * Where the browser pass gets its Chromium: from npm unless CHROMIUM_PATH names another, and able to lay out
 * text even on a machine that has no fonts of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchChromium, locateChromium } from '../support/playground/browser';

/** The width in pixels of one line of text as the browser lays it out. */
async function textWidth(browser: Browser): Promise<number> {
  const page = await browser.newPage();
  await page.setContent('<span id="line" style="font-family: sans-serif">Scan the QR code ▶</span>');
  const box = await page.locator('#line').boundingBox();
  return box?.width ?? 0;
}

describe('The browser pass’s Chromium', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let scratch: string;

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-chromium-'));
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('is the one npm installed when CHROMIUM_PATH is not set, and it starts', async () => {
    const build = await locateChromium({ CHROMIUM_PATH: '' });
    expect(build.source).to.equal('npm');
    expect(build.executablePath).to.not.equal('/usr/bin/chromium');
    browser = await launchChromium(build);
    expect(browser.version()).to.match(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('lays text out with the font npm ships when the machine has no fonts', async () => {
    // A system font configuration that does not exist stands for a machine with no fonts installed.
    const build = await locateChromium({}, path.join(scratch, 'no-such-fonts.conf'));
    browser = await launchChromium(build);
    expect(await textWidth(browser)).to.be.greaterThan(50);
  });

  it('is the one CHROMIUM_PATH names, and says so when that file does not exist', async () => {
    const named = path.join(scratch, 'chrome');
    fs.writeFileSync(named, '');
    expect(await locateChromium({ CHROMIUM_PATH: named })).to.deep.equal({
      executablePath: named,
      source: 'CHROMIUM_PATH',
      env: {},
    });
    const missing = path.join(scratch, 'nowhere', 'chromium');
    const failure = await locateChromium({ CHROMIUM_PATH: missing }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).to.include(`CHROMIUM_PATH is ${missing}, which does not exist`);
  });

  it('names the browser and what to do when it cannot start', async () => {
    const broken = path.join(scratch, 'chromium');
    fs.writeFileSync(broken, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const failure = await launchChromium({ executablePath: broken, source: 'npm', env: {} }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).to.include(`Chromium at ${broken} (npm) did not start`);
    expect(failure).to.include('set CHROMIUM_PATH');
  });
});
