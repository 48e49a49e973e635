/**
 * Start-up and its memory: `npm run bench:startup [-- --source]`.
 * Times, next to a bare Node HTTP server's start (the baseline): the build `npm start` runs on a fresh
 * clone (dist/ is removed first), then the server's first start on an empty embedded database (creating it,
 * migrating, loading the demo register and its synthetic spend) until it answers, and a restart on
 * that folder, with `npm start`'s check that nothing needs building. Each server's peak resident
 * memory is read from /proc as it is stopped. --source runs the server from TypeScript (tsx) and
 * skips the build: the small mode `npm test` runs.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LAUNCH, peakMbOf } from './processes.js';

const { values } = parseArgs({ options: { source: { type: 'boolean', default: false } } });
const root = join(import.meta.dirname, '..');

/** Starts a process and waits for the address it prints; returns the seconds taken and its peak RSS. */
async function untilAnswering(args: string[], env: Record<string, string>, printed: RegExp) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env } });
  try {
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      const look = (chunk: Buffer) => {
        out += chunk.toString();
        const found = printed.exec(out)?.[1];
        if (found) resolve(found);
      };
      child.stdout?.on('data', look);
      child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (code) =>
        reject(new Error(`exited with ${code} before answering:\n${out.slice(-2000)}`)),
      );
    });
    const answer = await fetch(`${address}/healthz`);
    if (!answer.ok) throw new Error(`${address}/healthz answered ${answer.status}`);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, peakMb: peakMbOf(child.pid) };
  } finally {
    await stop(child);
  }
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const seconds = (command: string, args: string[]) => {
  const started = performance.now();
  const run = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${run.stderr}`);
  return (performance.now() - started) / 1000;
};

const dataDir = mkdtempSync(join(tmpdir(), 'pathfinder-bench-startup-'));
try {
  const server = values.source
    ? ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'serve']
    : [join(root, 'dist', 'cli', 'main.js'), 'serve'];
  const env = { ...LAUNCH.env, PATHFINDER_DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '' };
  const running = /running at (http:\/\/[^\s]+)/;
  console.log(['step'.padEnd(48), 'seconds', 'peak MB'].join('\t'));
  const row = (step: string, s: number, mb?: number) =>
    console.log([step.padEnd(48), s.toFixed(1), mb === undefined ? '–' : mb.toFixed(0)].join('\t'));

  const bare = await untilAnswering(
    [
      '-e',
      `require('node:http').createServer((q, s) => s.end('{}')).listen(0, '127.0.0.1', function () {
         console.log('running at http://127.0.0.1:' + this.address().port) })`,
    ],
    {},
    running,
  );
  row('bare Node HTTP server (baseline)', bare.seconds, bare.peakMb);
  // As on a fresh clone: no earlier build for the compiler to start from.
  if (!values.source) rmSync(join(root, 'dist'), { recursive: true, force: true });
  const build = values.source ? 0 : seconds('npm', ['run', 'build', '--silent']);
  if (!values.source) row('build (npm start after a change)', build);
  const first = await untilAnswering([...LAUNCH.flags, ...server], env, running);
  row('first start: new database, migrated, demo loaded', first.seconds, first.peakMb);
  const check = values.source ? 0 : seconds('npm', ['run', 'build:if-changed', '--silent']);
  const again = await untilAnswering([...LAUNCH.flags, ...server], env, running);
  row('restart (nothing to build)', check + again.seconds, again.peakMb);
  console.log(
    `goals: fresh start ${(build + first.seconds).toFixed(1)} s after npm ci (goal < 60), ` +
      `restart ${(check + again.seconds).toFixed(1)} s (goal < 5), ` +
      `peak ${Math.max(first.peakMb, again.peakMb).toFixed(0)} MB (goal < 400)`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
