/**
 * Supplier resolution speed: `npm run bench:suppliers [-- --names 100000]`.
 * Generates realistic distinct supplier names with the variants councils write (case, legal forms,
 * "T/A", account qualifiers, misspellings, cut at 35 characters), then times, in this process:
 *   - the fingerprint baseline (OpenRefine's key collision: group names with equal fingerprints);
 *   - Pathfinder's resolver (normalise, identifiers, blocking, weighted similarity, clusters).
 * Prints time, memory and how many clusters each found, and how often the resolver rejoined the
 * variants of one generated supplier.
 */
import { parseArgs } from 'node:util';
import { fingerprint } from '../src/domain/suppliers/names.js';
import { resolveSuppliers } from '../src/domain/suppliers/resolve.js';

const { values } = parseArgs({ options: { names: { type: 'string', default: '100000' } } });
const wanted = Number(values.names);

// A fixed seed, so every run resolves the same names.
let seed = 20261122;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const FIRST = [
  'North',
  'South',
  'East',
  'West',
  'Central',
  'Greater',
  'Royal',
  'United',
  'Premier',
  'Total',
  'Prime',
  'Apex',
  'Bright',
  'Green',
  'Blue',
  'Oak',
  'Willow',
  'Cedar',
  'Maple',
  'Harbour',
  'Castle',
  'Bridge',
  'River',
  'Valley',
  'Summit',
  'Kingsley',
  'Ashford',
  'Beacon',
  'Compass',
  'Horizon',
];
const MIDDLE = [
  'Care',
  'Homecare',
  'Healthcare',
  'Building',
  'Construction',
  'Consulting',
  'Legal',
  'Digital',
  'Software',
  'Fostering',
  'Education',
  'Transport',
  'Cleaning',
  'Catering',
  'Security',
  'Recruitment',
  'Property',
  'Environmental',
  'Facilities',
  'Training',
  'Energy',
  'Print',
  'Waste',
  'Fleet',
  'Landscapes',
  'Nurseries',
  'Therapy',
  'Support',
  'Housing',
  'Engineering',
];
const LAST = [
  'Services',
  'Solutions',
  'Group',
  'Partners',
  'Associates',
  'Systems',
  'Trust',
  'Company',
  'Centre',
  'Agency',
  'Consultants',
  'Contractors',
  'Supplies',
  'Network',
  'Practice',
];
const FORMS = ['Ltd', 'Limited', 'LTD', 'Ltd.', 'PLC', 'LLP', 'CIC', ''];

/** A distinct base name: words plus a rare coined word, so names are many and realistic in shape. */
function baseName(i: number): string {
  const coined = ((i * 2_654_435_761) >>> 0).toString(36).slice(0, 5).replace(/\d/g, 'a');
  const coinedWord = coined.charAt(0).toUpperCase() + coined.slice(1);
  return [pick(FIRST), coinedWord, pick(MIDDLE), random() < 0.6 ? pick(LAST) : ''].filter(Boolean).join(' ');
}

/** One way a council's ledger writes the name. */
function variant(name: string): string {
  const roll = random();
  const form = pick(FORMS);
  if (roll < 0.25) return `${name} ${form}`.trim().toUpperCase();
  if (roll < 0.45) return `The ${name} ${form}`.trim();
  if (roll < 0.6) return `${name} ${form} (${pick(['Rent', 'Invoices', 'Sale', 'North', 'Float'])})`.trim();
  if (roll < 0.7) return `${name.replace(' and ', ' & ')} ${form} - ${pick(['Perm', 'Temp', 'Client Acc'])}`;
  if (roll < 0.8) return `${name} ${form}`.slice(0, 35);
  if (roll < 0.9) {
    // One letter dropped from the longest word.
    const words = name.split(' ');
    const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
    const at = 1 + Math.floor(random() * (longest.length - 2));
    return words.map((w) => (w === longest ? w.slice(0, at) + w.slice(at + 1) : w)).join(' ') + ` ${form}`;
  }
  return `${name} ${form}`.trim();
}

const names: { id: number; name: string; supplier: number }[] = [];
const seen = new Set<string>();
for (let s = 0; names.length < wanted; s++) {
  const base = baseName(s);
  const count = 1 + Math.floor(random() * 3);
  for (let v = 0; v < count && names.length < wanted; v++) {
    const name = variant(base);
    if (seen.has(name)) continue;
    seen.add(name);
    names.push({ id: names.length + 1, name, supplier: s });
  }
}

const measure = <T>(work: () => T) => {
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = work();
  return {
    result,
    seconds: (performance.now() - started) / 1000,
    mb: (process.memoryUsage().heapUsed - before) / 1e6,
  };
};

const baseline = measure(() => {
  const groups = new Map<string, number>();
  for (const n of names) groups.set(fingerprint(n.name), (groups.get(fingerprint(n.name)) ?? 0) + 1);
  return groups.size;
});
const resolver = measure(() => resolveSuppliers(names));

// How well the variants of each generated supplier were rejoined (pairs within and across clusters).
const truth = new Map<number, number[]>();
for (const n of names) truth.set(n.supplier, [...(truth.get(n.supplier) ?? []), n.id]);
let together = 0;
let pairs = 0;
for (const ids of truth.values()) {
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++) {
      pairs++;
      if (resolver.result.clusterOf.get(ids[i] as number) === resolver.result.clusterOf.get(ids[j] as number))
        together++;
    }
}
const clusters = new Set(resolver.result.clusterOf.values()).size;
// Names of different generated suppliers put in one cluster: the false merges.
const bySupplierInCluster = new Map<number, Map<number, number>>();
for (const n of names) {
  const cluster = resolver.result.clusterOf.get(n.id) as number;
  const counts = bySupplierInCluster.get(cluster) ?? new Map<number, number>();
  counts.set(n.supplier, (counts.get(n.supplier) ?? 0) + 1);
  bySupplierInCluster.set(cluster, counts);
}
let joinedPairs = 0;
let falsePairs = 0;
for (const counts of bySupplierInCluster.values()) {
  const sizes = [...counts.values()];
  const total = sizes.reduce((a, b) => a + b, 0);
  joinedPairs += (total * (total - 1)) / 2;
  falsePairs += (total * (total - 1)) / 2 - sizes.reduce((a, b) => a + (b * (b - 1)) / 2, 0);
}

console.log(
  `${names.length.toLocaleString('en-GB')} distinct names of ${truth.size.toLocaleString('en-GB')} generated suppliers\n`,
);
console.log(['method'.padEnd(34), 'seconds', 'heap MB', 'clusters'].join('\t'));
console.log(
  [
    'fingerprint key collision (baseline)'.padEnd(34),
    baseline.seconds.toFixed(2),
    baseline.mb.toFixed(0),
    baseline.result,
  ].join('\t'),
);
console.log(
  ['Pathfinder resolver'.padEnd(34), resolver.seconds.toFixed(2), resolver.mb.toFixed(0), clusters].join(
    '\t',
  ),
);
console.log(
  `\nVariants of one supplier rejoined (recall): ${((100 * together) / pairs).toFixed(1)}% of ${pairs.toLocaleString('en-GB')} pairs; ` +
    `joined pairs that are one supplier (precision): ${((100 * (joinedPairs - falsePairs)) / joinedPairs).toFixed(1)}%; ` +
    `${resolver.result.review.length.toLocaleString('en-GB')} pairs left to review.`,
);
console.log(
  'Goal: the resolver under 10 s for 100,000 names, growing near-linearly (compare --names 50000).',
);
