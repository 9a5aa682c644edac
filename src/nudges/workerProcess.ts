/**
 * Which process holds a message or a send, so that a restarted process on the same machine can take back at
 * once what a dead one held instead of waiting out the visibility timeout. A worker's id names its machine, its
 * process id and that process's start time (Linux: /proc/<pid>/stat), so a process id the system has since
 * given to another program is not mistaken for the holder. When this cannot be told (another machine, no /proc
 * and the id is alive), the answer is "not gone", and the timeout applies as before.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

/** The start time of process `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat); null: no such process. */
function startTicks(pid: number): string | null | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return fs.existsSync('/proc/self/stat') ? null : undefined;
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

const OWN_START = startTicks(process.pid) ?? '';

/** A fresh worker id: `worker-<host>~<pid>~<start>~<random>`. */
export function newWorkerId(): string {
  return `worker-${os.hostname()}~${process.pid}~${OWN_START}~${crypto.randomUUID().slice(0, 8)}`;
}

/** True only when `holder` is a worker of a process on this machine that has ended. */
export function holderIsGone(holder: string | undefined): boolean {
  const m = holder && /^worker-(.+)~(\d+)~(\d*)~[0-9a-f]+$/.exec(holder);
  if (!m || m[1] !== os.hostname()) return false;
  const pid = Number(m[2]);
  const start = startTicks(pid);
  if (start === null) return true;
  if (start !== undefined && m[3] !== '') return start !== m[3];
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
