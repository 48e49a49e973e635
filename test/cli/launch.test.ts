import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LAUNCH } from '../../bench/processes.js';

// The heap limits and malloc setting hold the memory figures in the README; the installed command
// (its first line), `npm start` and `npm run pathfinder` must all start Node with them.
test('npm start and npm run pathfinder start Node as the pathfinder command does', () => {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  assert.deepEqual(LAUNCH.env, { MALLOC_MMAP_THRESHOLD_: '131072' });
  assert.deepEqual(LAUNCH.flags, ['--max-old-space-size=256', '--max-semi-space-size=16']);
  assert.ok(scripts.start?.includes(`&& ${LAUNCH.line} dist/cli/main.js serve`), scripts.start);
  assert.ok(
    scripts.pathfinder?.startsWith(`${LAUNCH.line} --import tsx src/cli/main.ts`),
    scripts.pathfinder,
  );
});
