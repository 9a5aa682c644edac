/**
 * Mocha global setup for the full run, whose test files run side by side in worker processes: unpacks the
 * Chromium that npm installed once, in the main process, before any worker starts. `@sparticuz/chromium`
 * unpacks itself into the temporary folder on first use and takes a file that exists for one already unpacked,
 * so on a fresh machine two browser test files starting together could launch a half-written browser.
 * Nothing to do once it is unpacked (a file exists); whether CHROMIUM_PATH is set does not matter, as
 * test/playground/chromium.test.ts starts the npm build either way.
 */
import { locateChromium } from './playground/browser';

export async function mochaGlobalSetup(): Promise<void> {
  await locateChromium({});
}
