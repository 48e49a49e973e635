import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../src/domain/errors.js';
import { readBodyRegister } from '../../src/ingest/body-register.js';
import { needsSharedData, sharedData } from '../helpers/databases.js';

const registerFile = join(sharedData, 'reference', 'uk_local_authorities.csv');

test('reads every council in the real local-authority register', needsSharedData, () => {
  const text = readFileSync(registerFile, 'utf8');
  const records = readBodyRegister(text, registerFile);
  const raw = parse(text, { columns: true, bom: true }) as Record<string, string>[];
  assert.equal(records.length, raw.length);
  assert.equal(records.length, 470);

  const byRegistry = new Map(records.map((r) => [r.body.registryCode, r]));
  const rochdale = byRegistry.get('RCH');
  assert.deepEqual(
    {
      code: rochdale?.body.code,
      kind: rochdale?.body.kind,
      region: rochdale?.body.region,
      row: rochdale?.row,
    },
    {
      code: 'E08000005',
      kind: 'metropolitan_district',
      region: 'North West',
      row: raw.findIndex((r) => r['local-authority-code'] === 'RCH') + 2,
    },
  );
  // Northamptonshire was replaced by two unitary councils in 2021.
  const northants = byRegistry.get('NTH')?.body;
  assert.equal(northants?.endDate, '2021-04-01');
  assert.deepEqual(northants?.successorCodes, ['NNT', 'WNT']);
  // A district's county comes from county-la.
  assert.equal(byRegistry.get('WYC')?.body.parentCode, 'WOR');
  // Population is rounded to whole people; a blank one stays unknown.
  assert.equal(byRegistry.get('BOL')?.body.population, 288248);
  assert.equal(byRegistry.get('FOR')?.body.population, undefined);
  // The centre of its area, for distances; none for a body the register gives none.
  assert.deepEqual(
    [byRegistry.get('TRF')?.body.latitude, byRegistry.get('TRF')?.body.longitude].map((d) => d?.toFixed(2)),
    ['53.42', '-2.36'],
  );
  assert.equal(byRegistry.get('FOR')?.body.latitude, undefined);
  // Every GSS code in the file is the body's code.
  const withGss = raw.filter((r) => r['gss-code']);
  for (const r of withGss) assert.equal(byRegistry.get(r['local-authority-code'])?.body.code, r['gss-code']);
  // Mojibake from an earlier encoding slip is not kept as a name.
  assert.ok(!byRegistry.get('AGY')?.body.altNames?.some((n) => n.includes('ï¿½')));
});

function problemsOf(text: string) {
  try {
    readBodyRegister(text, 'councils.csv');
  } catch (error) {
    assert.ok(error instanceof InputError);
    assert.equal(error.file, 'councils.csv');
    return error.problems;
  }
  assert.fail('the file was accepted');
}

const header =
  'local-authority-code,official-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type,county-la,alt-names,pop-2020';

test('names the file, row and field of each bad value', () => {
  const problems = problemsOf(
    [
      header,
      'RCH,Rochdale Metropolitan Borough Council,E08000005,1974-04-01,,,England,North West,MD,,,223659.0',
      'XXX,Somewhere,E0800,,,,England,North West,MD,,,',
      'YYY,Elsewhere,E08000099,1974-13-45,,,Atlantis,North West,PARISH,,,',
    ].join('\n'),
  );
  assert.deepEqual(
    problems.map((p) => `${p.row}:${p.field}`),
    ['3:gss-code', '4:local-authority-type'],
  );
});

test('reads a register without coordinates, and names a latitude outside the UK', () => {
  const row =
    'RCH,Rochdale Metropolitan Borough Council,E08000005,1974-04-01,,,England,North West,MD,,,223659.0';
  const [rochdale] = readBodyRegister([header, row].join('\n'), 'councils.csv');
  assert.equal(rochdale?.body.latitude, undefined);
  const problems = problemsOf([`${header},lat,long`, `${row},5.61,-2.15`].join('\n'));
  assert.deepEqual(
    problems.map((p) => `${p.row}:${p.field}:${p.message}`),
    ['2:lat:The latitude is not in the UK (49 to 61)'],
  );
});

test('refuses a file in another format, an empty file and a broken CSV', () => {
  assert.deepEqual(
    problemsOf('Body Name,Amount\nOxford City Council,12')
      .map((p) => p.field)
      .slice(0, 2),
    ['local-authority-code', 'gss-code'],
  );
  assert.throws(() => readBodyRegister('', 'empty.csv'), /no bodies/);
  assert.throws(
    () => readBodyRegister(`${header}\n"RCH,unterminated`, 'broken.csv'),
    /not a readable CSV file/,
  );
});
