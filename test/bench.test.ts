import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

/**
 * Every benchmark, run in a small mode so that none can rot unnoticed: each must finish and print
 * its figures beside the baseline it is measured against. Speed is not checked here; the benchmarks
 * report it (docs/benchmarks.md).
 */
const BENCHMARKS: [script: string, args: string[], baseline: RegExp][] = [
  ['bench/suppliers.ts', ['--names', '2000'], /fingerprint key collision \(baseline\)/],
  ['bench/import.ts', ['--rows', '2000'], /bare CSV parse loop \(baseline\)/],
  ['bench/opportunities.ts', ['--payments', '20000'], /DuckDB\s.*\(raw payments\)/],
  [
    'bench/pages.ts',
    ['--seconds', '1', '--connections', '2', '--import-rows', '5000'],
    /\/opportunities\?partnership=/,
  ],
  ['bench/newsletter.ts', ['--subscribers', '20'], /nodemailer alone \(baseline\)/],
  ['bench/startup.ts', ['--source'], /bare Node HTTP server \(baseline\)/],
];

for (const [script, args, baseline] of BENCHMARKS) {
  test(`${script} runs in a small mode and prints its baseline`, () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], {
      encoding: 'utf8',
      timeout: 10 * 60_000,
      env: { ...process.env, DATABASE_URL: '' },
    });
    assert.equal(run.status, 0, `${script} failed:\n${run.stderr.slice(-3000)}`);
    assert.match(run.stdout, baseline);
  });
}
