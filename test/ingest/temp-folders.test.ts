import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeTempFolder, sweepTempFolders } from '../../src/ingest/temp-folders.js';

// A temporary folder of the test's own (os.tmpdir() follows TMPDIR), where no other test's folders are.
const temp = mkdtempSync(join(tmpdir(), 'pathfinder-sweep-test-'));
const tmpdirBefore = process.env.TMPDIR;
process.env.TMPDIR = temp;
after(() => {
  process.env.TMPDIR = tmpdirBefore;
  rmSync(temp, { recursive: true, force: true });
});

test('folders left by a process killed outright are swept; a running process’s are kept', async () => {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  const orphan = `pathfinder-read-${child.pid}-AbC123`;
  mkdirSync(join(temp, orphan));
  mkdirSync(join(temp, orphan, 'sheet.xml.tmp'));
  const mine = await makeTempFolder('upload');
  assert.match(mine, new RegExp(`pathfinder-upload-${process.pid}-`));
  assert.equal(await sweepTempFolders(), 1);
  assert.deepEqual(readdirSync(temp), [mine.slice(temp.length + 1)]);
});
