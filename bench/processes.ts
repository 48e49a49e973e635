/** What the benchmarks that run Pathfinder's own commands share: how they are started and measured. */
import { readFileSync } from 'node:fs';

/** The heap limits the pathfinder command and `npm start` run with. */
export const HEAP = ['--max-old-space-size=256', '--max-semi-space-size=16'];

/** A running process's peak resident memory so far, in MB, from /proc (the high-water mark only rises). */
export function peakMbOf(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}
