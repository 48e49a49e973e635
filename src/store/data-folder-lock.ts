import { hostname } from 'node:os';
import { join } from 'node:path';
import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * PGlite is one PostgreSQL backend inside one process: a second process opening the same folder
 * writes over the first's files unseen, and both think they succeeded. So a folder has one holder
 * at a time, named in a lock file beside the data; a second opener is refused, told who holds it.
 */
export interface LockHolder {
  pid: number;
  host: string;
  /** What the holder is doing, in words: "pathfinder serve", "pathfinder import spend". */
  purpose: string;
  since: string;
  /** Where a server holding the folder answers, once it listens: work can be sent there instead. */
  url?: string;
}

export class DataFolderInUseError extends Error {
  override name = 'DataFolderInUseError';
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
  ) {
    const who = `${holder.purpose} (process ${holder.pid} on ${holder.host}, since ${holder.since})`;
    const instead = holder.url
      ? `Send the work to that server instead (for spend: --server ${holder.url} with an API token in PATHFINDER_TOKEN), or stop it first.`
      : 'Wait for it to finish or stop it first; a folder is used by one process at a time.';
    super(`The data folder ${folder} is in use by ${who}. ${instead}`);
  }
}

export interface DataFolderLock {
  /** Says where the holder now answers (a server, once listening). */
  announce(url: string): void;
  release(): void;
}

const LOCK_FILE = 'pathfinder.lock';

/** Takes the folder's lock, taking over one left by a process that no longer runs. */
export function lockDataFolder(folder: string, purpose: string): DataFolderLock {
  const path = join(folder, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    if (writeExclusively(path, me)) break;
    const holder = readHolder(path);
    if (holder && isAlive(holder)) throw new DataFolderInUseError(folder, holder);
    if (attempt >= 5) throw new Error(`Could not take the lock on the data folder ${folder}`);
    if (holder) takeOverStale(path, holder);
    // An unreadable lock is one being written this instant: look again.
  }
  let released = false;
  return {
    announce(url) {
      if (released) return;
      // Written aside and renamed into place, so that no reader ever sees half a lock file.
      const aside = `${path}.${process.pid}.announce`;
      writeFileSync(aside, JSON.stringify({ ...me, url }));
      renameSync(aside, path);
    },
    release() {
      if (released) return;
      released = true;
      const holder = readHolder(path);
      if (holder?.pid === me.pid && holder.host === me.host) rmSync(path, { force: true });
    },
  };
}

/** Creates the lock file only if there is none, atomically: written aside, then linked into place. */
function writeExclusively(path: string, holder: LockHolder): boolean {
  const aside = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(aside, JSON.stringify(holder));
  try {
    linkSync(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(aside);
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * A holder on another machine is taken as alive: its process cannot be seen from here. One naming
 * this very process is a former life's (a container restarted gives the same numbers again).
 */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a dead holder's lock aside. Two processes may both judge it stale; the one that moves it
 * second would move the first's fresh lock, so what was moved is checked and put back if it was live.
 */
function takeOverStale(path: string, stale: LockHolder) {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved && (moved.pid !== stale.pid || moved.since !== stale.since)) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone has locked it since: theirs stands, and the one moved lost its place either way.
    }
  }
  rmSync(aside, { force: true });
}
