/**
 * Installs the bot's Teams app for a user who never opened it, so a nudge can reach them (Graph
 * `/users/{id}/teamwork/installedApps`, then the 1:1 chat it creates). Never throws: each answer says what to
 * record, as the Messenger's do.
 */
export type NotInstallableReason =
  /** 404 from the install: no Teams licence, or Teams never set up for the account. */
  | 'noTeamsLicence'
  /** 403: an app permission policy blocks the app for this user. */
  | 'blockedByPolicy'
  | 'guest'
  | 'disabled'
  /** The app is not in the organisation's catalog (the admin has not uploaded it). */
  | 'appNotInCatalog'
  /** The Graph permission is missing: a configuration problem that affects everyone. */
  | 'permissionMissing'
  /** No installer configured (the demo directory, or TEAMS_APP_ID unset). */
  | 'notConfigured';

export type InstallOutcome =
  | { kind: 'installed'; chatId: string; alreadyInstalled: boolean }
  | { kind: 'notInstallable'; reason: NotInstallableReason }
  | { kind: 'throttled'; retryAfterMs?: number }
  | { kind: 'failed'; error: string };

export interface AppInstaller {
  installForUser(userId: string): Promise<InstallOutcome>;
}
