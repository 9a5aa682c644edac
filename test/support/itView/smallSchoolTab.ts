/**
 * The bot serving IT's tab for the small sample school (`smallSchool.ts`) on a fixed clock, signed in through the
 * stand-in identity provider: the route tests' running app.
 */
import { startApp } from '../../../src/app';
import { createContainer } from '../../../src/container';
import type { Logger } from '../../../src/logging/logger';
import { TestClock } from '../conversationHarness';
import { captureLog } from '../logCapture';
import { SmallSchoolDirectory } from './smallSchool';
import { tabAppConfig, type TabIdentity } from './tabIdentity';

/**
 * `nudges: false` leaves the campaign out (a policy without one); `directory` replaces the small school (extra
 * members), `env` adds settings, `log` is where the bot logs (silent but for fatal by default).
 */
export async function startSmallSchoolTab(
  identity: TabIdentity,
  dataDir: string,
  options: {
    now: string;
    nudges?: false;
    directory?: SmallSchoolDirectory;
    env?: Record<string, string>;
    log?: Logger;
  },
) {
  const container = await createContainer(tabAppConfig(identity, dataDir, options.env), {
    log: options.log ?? captureLog('fatal').log,
    clock: new TestClock(new Date(options.now)),
    directory: { directory: options.directory ?? new SmallSchoolDirectory() },
    nudges: options.nudges,
  });
  return { container, app: await startApp(container) };
}
