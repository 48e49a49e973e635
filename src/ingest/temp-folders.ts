import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private temporary folders, named with the process that made them: an upload being saved, a
 * workbook being unzipped. Each is removed when its work ends; one left by a process killed outright
 * is removed by the next Pathfinder process to start (sweepTempFolders).
 */
export type TempPurpose = 'read' | 'upload';

export function makeTempFolder(purpose: TempPurpose): Promise<string> {
  return mkdtemp(join(tmpdir(), `pathfinder-${purpose}-${process.pid}-`));
}

/** Removes the temporary folders of Pathfinder processes that no longer run. */
export async function sweepTempFolders(): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tmpdir())) {
    const pid = /^pathfinder-(?:read|upload)-(\d+)-/.exec(name)?.[1];
    if (pid && !isRunning(Number(pid))) {
      await rm(join(tmpdir(), name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
