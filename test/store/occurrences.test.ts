import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OccurrenceCounter } from '../../src/store/occurrences.js';

test('counts repeats of each hash, through many growths of its table', () => {
  const counter = new OccurrenceCounter();
  const n = 300_000;
  for (let i = 0; i < n; i++) assert.equal(counter.next(i * 2654435761, i), 0);
  for (let i = 0; i < n; i += 1000) assert.equal(counter.next(i * 2654435761, i), 1);
  assert.equal(counter.next(0, 0), 2, 'the all-zero hash is a hash like any other (i = 0, twice above)');
  assert.equal(counter.next(7, 7), 0);
  assert.equal(counter.next(7, 7), 1);
  assert.equal(counter.next(7, 7), 2);
});
