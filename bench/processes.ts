/** What the benchmarks that run Pathfinder's own commands share: how they are started and measured. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How the pathfinder command starts Node, read from its own first line (`npm start` and `npm run
 * pathfinder` start it the same way): the environment it sets and Node's flags, the heap limits.
 */
export const LAUNCH = launchOf(
  readFileSync(join(import.meta.dirname, '..', 'src', 'cli', 'main.ts'), 'utf8'),
);

function launchOf(source: string) {
  const words = (/^#!\/usr\/bin\/env -S (.+)/.exec(source)?.[1] ?? '').split(' ');
  const node = words.indexOf('node');
  if (node < 0) throw new Error('src/cli/main.ts does not start with "#!/usr/bin/env -S … node …"');
  const env = Object.fromEntries(words.slice(0, node).map((word) => word.split('=') as [string, string]));
  return { env, flags: words.slice(node + 1), line: words.join(' ') };
}

/** A running process's peak resident memory so far, in MB, from /proc (the high-water mark only rises). */
export function peakMbOf(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}
