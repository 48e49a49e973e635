import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { isRedactedName } from '../../src/domain/spend.js';
import { fingerprint, supplierName } from '../../src/domain/suppliers/names.js';
import { mergeConflict, resolveSuppliers } from '../../src/domain/suppliers/resolve.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'suppliers');

test('supplier names reduce to the words that identify the supplier', () => {
  const key = (name: string) => supplierName(name).key;
  assert.equal(key('ACME LTD'), 'ACME');
  assert.equal(key('The Acme Limited'), 'ACME');
  assert.equal(key('Acme (UK) Ltd'), 'ACME');
  assert.equal(key('ACME & SONS LTD'), key('Acme and Sons Limited'));
  assert.equal(key('Acme Ltd (Rent)'), 'ACME');
  assert.equal(key('Maxwell Bond Ltd - Perm Placements'), 'MAXWELL BOND');
  assert.equal(key('EE Limited (Equipment) 2'), 'EE');
  assert.equal(key('Planit I.E. Limited'), key('Planit IE Ltd'));
  assert.equal(key('Aspris Childrens Svcs Ltd Oliver Hs'), 'ASPRIS CHILDRENS SERVICES');
  assert.equal(key('ALLIANCE DISPOSABLES LIMI'), 'ALLIANCE DISPOSABLES');
  // A bracket before the legal form is part of the registered name.
  assert.equal(key('Croftwood Care (Cheshire) Ltd'), 'CROFTWOOD CARE CHESHIRE');
  assert.deepEqual(supplierName('Acme Ltd T/A Acme Care').otherKeys, ['ACME CARE']);
  assert.deepEqual(supplierName('SCC (SPECIALIST COMPUTER CENTRES PLC)').otherKeys, [
    'SPECIALIST COMPUTER CENTRES',
    'SCC SPECIALIST COMPUTER CENTRES',
  ]);
  // A trust's schools are the trust; a trust "of" somewhere is its own name.
  assert.equal(key('Prospere Learning Trust-Pioneer Hse'), 'PROSPERE LEARNING TRUST');
  assert.equal(key('Prospere Learn Trust Chorlt High'), 'PROSPERE LEARNING TRUST');
  assert.equal(key('Heritage Trust Of Lincolnshire'), 'HERITAGE TRUST OF LINCOLNSHIRE');
  assert.equal(key('Bowdon Pre-school Ltd'), 'BOWDON PRESCHOOL');
});

test('odd names are handled without a crash', () => {
  for (const name of [
    '',
    '   ',
    '!!!',
    '-',
    '()',
    'x'.repeat(10_000),
    'Γιώργος Παπαδόπουλος ΑΕ',
    '株式会社 東京',
    'Café Nero Ltd',
  ]) {
    const { key } = supplierName(name);
    assert.equal(typeof key, 'string');
    assert.ok(key.length <= 200, name);
  }
  assert.equal(supplierName('Café Nero Ltd').key, supplierName('CAFE NERO LIMITED').key);
  const resolution = resolveSuppliers(
    ['', '!!!', 'x'.repeat(10_000), 'x'.repeat(10_000) + ' Ltd', '株式会社 東京', '株式会社東京'].map(
      (name, id) => ({ id, name }),
    ),
  );
  // Names of nothing but punctuation are not suppliers; the rest are.
  assert.equal(resolution.clusterOf.has(0), false);
  assert.equal(resolution.clusterOf.has(1), false);
  assert.equal(resolution.clusterOf.get(2), resolution.clusterOf.get(3));
});

test('identifiers decide over names; redacted payees are never clustered', () => {
  const { clusterOf } = resolveSuppliers([
    { id: 1, name: 'Acme Care Ltd', companyNumber: '01234567' },
    { id: 2, name: 'Acme Care Limited', companyNumber: '07654321' },
    { id: 3, name: 'ACME CARE', companyNumber: '01234567' },
    { id: 4, name: 'Northern Homes Trading', companyNumber: '01234567' },
    { id: 5, name: 'Redacted', redacted: true },
    { id: 6, name: 'Redacted', redacted: true },
    { id: 7, name: 'Acme Care Ltd', vatNumber: 'N/A' },
  ]);
  assert.equal(clusterOf.get(1), clusterOf.get(3));
  assert.equal(clusterOf.get(1), clusterOf.get(4), 'the same company number joins whatever the name');
  assert.notEqual(clusterOf.get(1), clusterOf.get(2), 'different company numbers never join');
  assert.equal(clusterOf.has(5), false);
  assert.equal(clusterOf.has(6), false);
  assert.equal(
    mergeConflict(
      { id: 1, name: 'A', vatNumber: 'GB 123 4567 89' },
      { id: 2, name: 'B', vatNumber: '987654321' },
    ),
    'A and B have different vatNumber (123456789 and 987654321)',
  );
  assert.equal(
    mergeConflict({ id: 1, name: 'A', vatNumber: 'NA' }, { id: 2, name: 'B', vatNumber: '987654321' }),
    undefined,
  );
});

test('a name written as an acronym joins the one name whose words it spells', () => {
  const { clusterOf } = resolveSuppliers(
    [
      'TfGM T/A DriveSafe',
      'Transport for Greater Manchester',
      'M&S',
      'Marks and Spencer Plc',
      'B&Q',
      'Bolton and Quarry Ltd',
      'Bury Quilts Ltd',
      'SCC',
      'Salford City College',
    ].map((name, id) => ({ id, name })),
  );
  assert.equal(clusterOf.get(0), clusterOf.get(1));
  assert.equal(clusterOf.get(2), clusterOf.get(3));
  // Two names spell BQ: which one is meant cannot be told, so neither joins.
  assert.equal(new Set([clusterOf.get(4), clusterOf.get(5), clusterOf.get(6)]).size, 3);
  // Plain capitals could be a word or a name of their own: not read as an acronym.
  assert.notEqual(clusterOf.get(7), clusterOf.get(8));
});

test('a person’s decisions win over the scores', () => {
  const payees = [
    { id: 1, name: 'Harbour Healthcare Ltd' },
    { id: 2, name: 'HARBOUR HEALTHCARE LIMITED' },
    { id: 3, name: 'Harbour Healthcare Woodlands Ltd' },
  ];
  const plain = resolveSuppliers(payees).clusterOf;
  assert.equal(plain.get(1), plain.get(2));
  assert.notEqual(plain.get(1), plain.get(3));
  const decided = resolveSuppliers(payees, [
    { a: 1, b: 2, same: false },
    { a: 1, b: 3, same: true },
  ]).clusterOf;
  assert.notEqual(decided.get(1), decided.get(2));
  assert.equal(decided.get(1), decided.get(3));
});

/**
 * The labelled pairs (test/fixtures/suppliers/README.md says how they were drawn and labelled),
 * resolved among every supplier name in the real sample files, by name alone.
 */
test('on the labelled real pairs: precision and recall, next to the fingerprint baseline', (t) => {
  const names = readFileSync(join(fixtures, 'names.txt'), 'utf8').split('\n').filter(Boolean);
  const pairs = parse(readFileSync(join(fixtures, 'pairs.csv')), { columns: true }) as {
    name_a: string;
    name_b: string;
    same: 'yes' | 'no';
  }[];
  assert.ok(pairs.length >= 500);
  const id = new Map(names.map((n, i) => [n, i]));
  for (const p of pairs)
    assert.ok(id.has(p.name_a) && id.has(p.name_b), `${p.name_a} / ${p.name_b} in names.txt`);
  const { clusterOf } = resolveSuppliers(
    names.map((name, i) => ({ id: i, name, redacted: isRedactedName(name) })),
  );

  const measure = (same: (a: string, b: string) => boolean) => {
    let [tp, fp, fn] = [0, 0, 0];
    for (const p of pairs) {
      const said = same(p.name_a, p.name_b);
      if (said && p.same === 'yes') tp++;
      else if (said) fp++;
      else if (p.same === 'yes') fn++;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
  };
  const resolver = measure((a, b) => {
    const cluster = clusterOf.get(id.get(a) as number);
    return cluster !== undefined && cluster === clusterOf.get(id.get(b) as number);
  });
  const baseline = measure((a, b) => fingerprint(a) === fingerprint(b));
  const show = (m: typeof resolver) =>
    `precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}, F1 ${m.f1.toFixed(3)}`;
  t.diagnostic(`resolver: ${show(resolver)}`);
  t.diagnostic(`fingerprint baseline: ${show(baseline)}`);
  assert.ok(resolver.precision >= 0.98, show(resolver));
  assert.ok(resolver.recall >= 0.95, show(resolver));
  assert.ok(resolver.recall >= baseline.recall * 3, 'well above the baseline’s recall');
});
