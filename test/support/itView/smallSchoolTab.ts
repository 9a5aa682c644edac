/**
 * The bot serving IT's tab for the small sample school (`smallSchool.ts`) on a fixed clock, signed in through the
 * stand-in identity provider: the route tests' running app.
 */
import { startApp } from '../../../src/app';
import { createContainer } from '../../../src/container';
import { TestClock } from '../conversationHarness';
import { captureLog } from '../logCapture';
import { SmallSchoolDirectory } from './smallSchool';
import { tabAppConfig, type TabIdentity } from './tabIdentity';

/** `nudges: false` leaves the campaign out (a policy without one). */
export async function startSmallSchoolTab(
  identity: TabIdentity,
  dataDir: string,
  options: { now: string; nudges?: false },
) {
  const container = await createContainer(tabAppConfig(identity, dataDir), {
    log: captureLog('fatal').log,
    clock: new TestClock(new Date(options.now)),
    directory: { directory: new SmallSchoolDirectory() },
    nudges: options.nudges,
  });
  return { container, app: await startApp(container) };
}
