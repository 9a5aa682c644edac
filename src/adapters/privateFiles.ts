/**
 * DATA_DIR holds the database, the demo support-code key and demo mails: readable by the bot's own account
 * only, whatever the umask. The folder is 0700 and its files 0600; looser bits found on an existing folder
 * are tightened (and the caller logs it).
 */
import fs from 'node:fs';

/** Group and other bits: any of them set makes a file or folder readable by someone else. */
const OTHERS = 0o077;

/**
 * Creates `dir` (and its parents) with mode 0700 when `create` allows, or tightens an existing one to 0700.
 * Says what it did; `absent` when the folder does not exist and was not to be created.
 */
export function ensurePrivateDir(
  dir: string,
  options: { create?: boolean } = {},
): 'created' | 'tightened' | 'private' | 'absent' {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (options.create === false) return 'absent';
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask, which can only take bits away: 0700 stays 0700 or less.
    fs.chmodSync(dir, 0o700);
    return 'created';
  }
  if ((stat.mode & OTHERS) === 0) return 'private';
  fs.chmodSync(dir, stat.mode & 0o700);
  return 'tightened';
}

/** Makes an existing file readable by its owner only (0600); nothing happens when it is absent. */
export function makePrivateFile(file: string): void {
  try {
    fs.chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Creates `file` empty with mode 0600 if it does not exist yet, so that whatever opens it next (SQLite, which
 * gives its -wal and -shm files the database file's mode) starts private; an existing one is made 0600.
 */
export function createPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  makePrivateFile(file);
}
