/**
 * Installs the bot's Teams app in a user's personal scope through Graph, then reads the 1:1 chat it created.
 * The app is found in the organisation's catalog by its manifest id (externalId) once, unless its catalog id
 * is configured. Permissions (application): TeamsAppInstallation.ReadWriteSelfForUser.All, and
 * AppCatalog.Read.All for the catalog look-up (not needed when TEAMS_APP_CATALOG_ID is set).
 */
import type { Logger } from '../../logging/logger';
import type { AppInstaller, InstallOutcome } from '../../ports/appInstaller';
import { GraphRequestError, type GraphRequester } from './graphRequests';

export interface GraphAppInstallerDeps {
  requests: GraphRequester;
  /** The manifest id (`id` in appPackage/manifest.json). */
  manifestId: string;
  /** The app's id in the org catalog, when known; saves the catalog look-up (and its permission). */
  catalogId?: string;
  /** e.g. https://graph.microsoft.com, for the `teamsApp@odata.bind` reference. */
  graphBaseUrl: string;
  log: Logger;
}

const call = { priority: 'background' as const, budgeted: false };

export class GraphAppInstaller implements AppInstaller {
  private catalogId?: Promise<string | undefined>;

  constructor(private readonly deps: GraphAppInstallerDeps) {
    if (deps.catalogId) this.catalogId = Promise.resolve(deps.catalogId);
  }

  async installForUser(userId: string): Promise<InstallOutcome> {
    const user = encodeURIComponent(userId);
    try {
      const appId = await this.findInCatalog();
      if (!appId) return { kind: 'notInstallable', reason: 'appNotInCatalog' };
      let alreadyInstalled = false;
      try {
        await this.deps.requests.post(
          `/users/${user}/teamwork/installedApps`,
          { 'teamsApp@odata.bind': `${this.deps.graphBaseUrl}/v1.0/appCatalogs/teamsApps/${appId}` },
          call,
        );
      } catch (error) {
        // 409: installed already (the user removed the chat, or installed it themselves): find its chat.
        if (!(error instanceof GraphRequestError && error.status === 409)) throw error;
        alreadyInstalled = true;
      }
      const installs = await this.deps.requests.get<{ value?: { id: string }[] }>(
        `/users/${user}/teamwork/installedApps?$expand=teamsApp&$filter=${encodeURIComponent(`teamsApp/id eq '${appId}'`)}`,
        call,
      );
      const installation = installs.value?.[0]?.id;
      if (!installation) return { kind: 'failed', error: 'installed, but the installation was not listed' };
      const chat = await this.deps.requests.get<{ id?: string }>(
        `/users/${user}/teamwork/installedApps/${encodeURIComponent(installation)}/chat`,
        call,
      );
      if (!chat.id) return { kind: 'failed', error: 'installed, but Graph returned no chat' };
      return { kind: 'installed', chatId: chat.id, alreadyInstalled };
    } catch (error) {
      return this.classify(error);
    }
  }

  private findInCatalog(): Promise<string | undefined> {
    this.catalogId ??= this.deps.requests
      .get<{ value?: { id: string; externalId?: string }[] }>(
        `/appCatalogs/teamsApps?$filter=${encodeURIComponent(`externalId eq '${this.deps.manifestId}'`)}`,
        call,
      )
      .then((answer) => answer.value?.[0]?.id)
      .catch((error: unknown) => {
        this.catalogId = undefined; // look again next time
        throw error;
      });
    return this.catalogId;
  }

  private classify(error: unknown): InstallOutcome {
    if (!(error instanceof GraphRequestError)) return { kind: 'failed', error: (error as Error).message };
    if (error.status === 404) return { kind: 'notInstallable', reason: 'noTeamsLicence' };
    if (error.status === 403) {
      // A refusal naming our own permissions is a setup problem, not the user's.
      if (
        /Authorization_RequestDenied|Missing (scope|role) permissions|InsufficientPrivileges/i.test(
          `${error.code} ${error.message}`,
        )
      ) {
        this.deps.log.error({ code: error.code }, 'app install refused: the Graph permission is missing');
        return { kind: 'notInstallable', reason: 'permissionMissing' };
      }
      return { kind: 'notInstallable', reason: 'blockedByPolicy' };
    }
    if (error.status === 429) return { kind: 'throttled' };
    return { kind: 'failed', error: `status ${error.status}` };
  }
}
