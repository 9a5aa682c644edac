/** Where the IT progress tab lives: its page on the bot's server and its entity in the IT app's manifest. */

/** The tab's page, served by the bot (appPackage/it/manifest.json's staticTabs contentUrl points here). */
export const PROGRESS_TAB_PATH = '/tab/progress';
/** The static tab's entityId in the manifest. */
export const PROGRESS_TAB_ENTITY_ID = 'itProgress';

/** The Teams deep link that opens the personal tab of the app `teamsAppId` (the IT app's manifest id). */
export function progressTabDeepLink(teamsAppId: string): string {
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(teamsAppId)}/${PROGRESS_TAB_ENTITY_ID}`;
}
