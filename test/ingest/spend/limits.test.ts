import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import JSZip from 'jszip';
import { InputError } from '../../../src/domain/errors.js';
import { openSpendFileInWorker } from '../../../src/ingest/spend/open-in-thread.js';

const work = mkdtempSync(join(tmpdir(), 'pathfinder-limits-'));
// The reader's temporary folders go here (os.tmpdir() follows TMPDIR), where no other test's can.
const temp = mkdtempSync(join(tmpdir(), 'pathfinder-limits-temp-'));
const tmpdirBefore = process.env.TMPDIR;
process.env.TMPDIR = temp;
after(() => {
  process.env.TMPDIR = tmpdirBefore;
  for (const dir of [work, temp]) rmSync(dir, { recursive: true, force: true });
});

test('a workbook cell too large for the reader’s memory is refused by name, not a crash', async () => {
  // 300 MB in one shared string: under the unzipped-size limits, over what the reader may hold.
  const zip = new JSZip();
  zip.file('xl/sharedStrings.xml', `<sst><si><t>${'a'.repeat(300 * 1024 ** 2)}</t></si></sst>`);
  zip.file(
    'xl/worksheets/sheet1.xml',
    '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
  );
  const path = join(work, 'huge-cell.xlsx');
  writeFileSync(path, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  await assert.rejects(openSpendFileInWorker(path), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.file, 'huge-cell.xlsx');
    assert.match(error.message, /a cell or row too large to read within the 256 MB a reader may use/);
    return true;
  });
  assert.deepEqual(
    readdirSync(temp).filter((n) => n.startsWith('pathfinder-')),
    [],
    'the reader’s temporary folder is removed',
  );
});
