/**
 * People who left the school's tenant: the ids the stores hold are checked against the directory in bulk,
 * and the data of those the directory no longer has is erased. Only a complete answer erases anything: a
 * directory that cannot answer skips the check for this pass, and an answer that would erase most of the
 * people held (a wrong tenant or a broken listing looks like that) is refused and logged.
 */
import type { Logger } from '../logging/logger';
import type { Directory } from '../ports/directory';
import type { PersonalDataService } from './personalData';

const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** More leavers than this share of the people held, and more than MIN_SUSPECT of them, is not believed. */
const MAX_SHARE_GONE = 0.5;
const MIN_SUSPECT = 10;

export interface LeaversOutcome {
  /** `skipped`: the directory could not answer, or its answer was not believable; nothing was erased. */
  kind: 'checked' | 'skipped';
  held: number;
  erased: string[];
}

export async function eraseLeavers(deps: {
  directory: Directory;
  personalData: PersonalDataService;
  log: Logger;
}): Promise<LeaversOutcome> {
  const { directory, personalData, log } = deps;
  // Only Entra object ids can be looked up; anything else was never a person's key.
  const held = [...(await personalData.heldUserIds())].filter((id) => ENTRA_ID.test(id));
  if (held.length === 0) return { kind: 'checked', held: 0, erased: [] };
  let existing: Set<string>;
  try {
    existing = await directory.existingUserIds(held);
  } catch (error) {
    log.warn(
      { err: { name: (error as Error).name, message: (error as Error).message }, held: held.length },
      'leavers check skipped: the directory could not say who still exists; nothing erased',
    );
    return { kind: 'skipped', held: held.length, erased: [] };
  }
  const gone = held.filter((id) => !existing.has(id.toLowerCase()));
  if (gone.length > MIN_SUSPECT && gone.length > held.length * MAX_SHARE_GONE) {
    log.error(
      { held: held.length, missing: gone.length },
      'leavers check skipped: the directory is missing most of the people held (wrong tenant?); nothing erased',
    );
    return { kind: 'skipped', held: held.length, erased: [] };
  }
  for (const userId of gone) {
    const erased = await personalData.eraseUser(userId);
    log.info({ userId, erased }, 'erased the data of a user who left the tenant');
  }
  return { kind: 'checked', held: held.length, erased: gone };
}
