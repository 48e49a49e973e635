/**
 * Named points where a test may kill this process outright, to prove that what is stored stays
 * whole whenever a process dies: PATHFINDER_FAULT=point[:n] sends SIGKILL the n-th time (default
 * the first) the process passes that point. Unset, a point costs one comparison.
 */
const [, wanted, nth = '1'] = /^(.*?)(?::(\d+))?$/.exec(process.env.PATHFINDER_FAULT ?? '') ?? [];
let passes = 0;

export function faultPoint(name: string) {
  if (name !== wanted) return;
  passes++;
  if (passes === Number(nth)) process.kill(process.pid, 'SIGKILL');
}
