/**
 * The bot's Graph directory (client, identity-reports budget, requester) as the app builds it, pointed at a
 * stand-in tenant: its HTTPS server answers both Graph and the token endpoint. Tests give only what differs
 * (school domains, log, budget, attempts…).
 */
import {
  createGraphDirectory,
  type GraphDirectoryParts,
  type GraphDirectorySettings,
} from '../../../src/adapters/graph/createGraphDirectory';
import { TEST_APP } from '../graphTenant';
import type { AppCredentials } from '../tokenEndpoint';

/** Everything but where Graph is and who the app is. */
export type DirectorySettingsOnStandIn = Omit<
  GraphDirectorySettings,
  keyof AppCredentials | 'baseUrl' | 'authorityHost'
>;

/** `standIn` is a `GraphStandIn` or a bare `GraphTenant` server: anything with the HTTPS url of both. */
export function graphDirectoryOn(
  standIn: { url: string },
  settings: DirectorySettingsOnStandIn,
  app: AppCredentials = TEST_APP,
): GraphDirectoryParts {
  return createGraphDirectory({ ...app, baseUrl: standIn.url, authorityHost: standIn.url, ...settings });
}
