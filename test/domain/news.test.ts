import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aliasesOf, findMentions, findServices, savingsFigures } from '../../src/domain/mentions.js';
import { bySection } from '../../src/domain/news.js';
import type { NewsItem } from '../../src/domain/news.js';

const bodies = [
  { key: 'E08000005', name: 'Rochdale Metropolitan Borough Council' },
  { key: 'E10000021', name: 'Northamptonshire County Council' },
  { key: 'E10000008', name: 'Devon County Council' },
  { key: 'E07000108', name: 'Dover District Council' },
  { key: 'E08000030', name: 'Walsall Metropolitan Borough Council' },
  { key: 'W06000015', name: 'City of Cardiff Council' },
  { key: 'E06000013', name: 'North Lincolnshire Council' },
  { key: 'E06000012', name: 'North East Lincolnshire Council' },
];

test('bodies are found by their names and the short forms the press uses', () => {
  assert.deepEqual(
    findMentions('The bid was led by Rochdale MBC; Northants CC plans to keep 150 staff.', bodies),
    ['E08000005', 'E10000021'],
  );
  assert.deepEqual(
    findMentions('Devon CC (Libraries), Dover DC (Heritage), Walsall Metropolitan BC', bodies),
    ['E10000008', 'E07000108', 'E08000030'],
  );
  assert.deepEqual(findMentions('Cardiff Council and North Lincolnshire Council agreed', bodies), [
    'W06000015',
    'E06000013',
  ]);
  assert.deepEqual(findMentions('North East Lincolnshire Council (Environment)', bodies), ['E06000012']);
  assert.deepEqual(findMentions('Rochdale won; Devon beat Dover', bodies), [], 'a bare place is not a body');
  assert.ok(aliasesOf('Northamptonshire County Council').includes('northants cc'));
});

test('savings figures in the text are read in pence', () => {
  assert.deepEqual(
    savingsFigures('Three councils could share services to help save £1.3m').map((s) => s.amountPence),
    [130_000_000],
  );
  assert.deepEqual(
    savingsFigures(
      'achieved savings of more than £72 million; £12.6m savings a year; save taxpayers £300,000',
    ).map((s) => s.amountPence),
    [7_200_000_000, 1_260_000_000, 30_000_000],
  );
  assert.deepEqual(savingsFigures('a £6bn budget, with cuts of £68m'), []);
});

test('an edition groups its items by section in the summary’s fixed order', () => {
  const item = (id: number, section: NewsItem['section']) => ({ id, section }) as NewsItem;
  const grouped = bySection([
    item(1, 'international'),
    item(2, 'local_government'),
    item(3, 'international'),
  ]);
  assert.deepEqual(
    grouped.map((s) => [s.section, s.items.map((i) => i.id)]),
    [
      ['local_government', [2]],
      ['international', [1, 3]],
    ],
  );
});

test('the services an item is about are suggested from the words used for them', () => {
  assert.deepEqual(
    findServices(
      'A merger of three councils’ trading standards, environmental health and licensing services',
    ),
    ['trading_standards', 'environmental_health', 'licensing'],
  );
  assert.deepEqual(findServices('Bromsgrove councillors dispute the county’s refuse collection plan'), [
    'waste',
  ]);
  assert.deepEqual(findServices('Councils win Pathfinder status'), []);
});
