/**
 * Supplier resolution: which payee names, across every body's files, are one supplier.
 *
 * 1. Names are reduced to keys (names.ts); equal keys, or a trading name equal to another's key,
 *    are the same supplier.
 * 2. A company or charity number decides over names: equal numbers join, different numbers never do.
 *    A VAT number joins only names that are also alike, because group VAT registrations cover
 *    many companies (a council and its schools share one).
 * 3. Other pairs are compared only within blocks of names sharing a rare word or a long prefix
 *    (no all-pairs comparison), scored by rarity-weighted word overlap; alike pairs join,
 *    borderline pairs go to a person to review.
 * 4. A person's decisions win: "same" joins, "different" keeps apart, whatever the scores say.
 *
 * One module though past 300 lines: the four steps share one union of clusters and are read in order.
 */
import { initials, supplierName } from './names.js';
import { nameSimilarity, WordWeights } from './similarity.js';

export interface Payee {
  id: number;
  name: string;
  companyNumber?: string;
  charityNumber?: string;
  vatNumber?: string;
  /** Redacted or personal-data payees are never clustered. */
  redacted?: boolean;
}

export interface Decision {
  a: number;
  b: number;
  same: boolean;
}

/** Why a payee name is part of its supplier, in words; "first" is the name a supplier started from. */
export const LINK_REASONS = {
  first: 'Its own name',
  decision: 'A person said so',
  identifier: 'Same company or charity number',
  name: 'Same name, tidied',
  similar: 'Alike names',
  vat: 'Same VAT number, alike names',
} as const;
export type LinkReason = Exclude<keyof typeof LINK_REASONS, 'first'>;

export interface Link {
  a: number;
  b: number;
  confidence: number;
  reason: LinkReason;
}

export interface Resolution {
  /** Each clustered payee's cluster, named by its lowest payee id. */
  clusterOf: Map<number, number>;
  /** Why payees joined their cluster: one link per payee that is not its cluster's first. */
  links: Link[];
  /** Pairs alike enough to ask about, not alike enough to join. */
  review: Link[];
}

/** Scores at or above this join; from REVIEW up to it, a person is asked. */
export const JOIN = 0.86;
export const REVIEW = 0.6;
/** A word in more names than this is too common to block on ("CARE", "SERVICES"). */
const MAX_BLOCK = 300;
/** Names are often cut at a field width; a prefix this long is compared as a possible cut. */
const PREFIX = 12;

const IDENTIFIERS = ['companyNumber', 'charityNumber'] as const;

/** Values that stand in for "no number" in published files. */
const NO_VALUE = /^(?:|0+|N\/?A|NONE|NULL|NIL|-+|UNKNOWN|NOT (?:APPLICABLE|REGISTERED)|EXEMPT)$/i;

function identifier(value: string | undefined): string | undefined {
  const cleaned = value?.replace(/\s+/g, '').toUpperCase();
  return cleaned && !NO_VALUE.test(cleaned) ? cleaned.replace(/^GB/, '') : undefined;
}

class Clusters {
  private readonly parent = new Map<number, number>();
  private readonly members = new Map<number, number[]>();
  /** Identifier values a cluster holds, so that clusters with different numbers stay apart. */
  private readonly numbers = new Map<number, Map<string, string>>();
  private readonly apart = new Map<number, number[]>();

  constructor(payees: Payee[], decisions: Decision[]) {
    for (const p of payees) {
      this.parent.set(p.id, p.id);
      this.members.set(p.id, [p.id]);
      this.numbers.set(p.id, numbersOf(p));
    }
    for (const d of decisions) {
      if (d.same) continue;
      this.apart.set(d.a, [...(this.apart.get(d.a) ?? []), d.b]);
      this.apart.set(d.b, [...(this.apart.get(d.b) ?? []), d.a]);
    }
  }

  has(id: number) {
    return this.parent.has(id);
  }

  find(id: number): number {
    let root = id;
    while (this.parent.get(root) !== root) root = this.parent.get(root) as number;
    let at = id;
    while (at !== root) {
      const next = this.parent.get(at) as number;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }

  /** Why the two clusters cannot be one, or undefined when they can. */
  conflict(a: number, b: number): string | undefined {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra === rb) return undefined;
    const differ = differingNumbers(
      this.numbers.get(ra) as Map<string, string>,
      this.numbers.get(rb) as Map<string, string>,
    );
    if (differ) return differ;
    const [small, large] =
      (this.members.get(ra)?.length ?? 0) <= (this.members.get(rb)?.length ?? 0) ? [ra, rb] : [rb, ra];
    for (const m of this.members.get(small) ?? []) {
      if ((this.apart.get(m) ?? []).some((x) => this.find(x) === large)) return 'reviewed as different';
    }
    return undefined;
  }

  /** Joins the clusters unless they conflict; true when they are (now) one. */
  union(a: number, b: number): boolean {
    if (this.conflict(a, b)) return false;
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra === rb) return true;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent.set(child, root);
    (this.members.get(root) as number[]).push(...(this.members.get(child) as number[]));
    this.members.delete(child);
    const numbers = this.numbers.get(root) as Map<string, string>;
    for (const [kind, value] of this.numbers.get(child) as Map<string, string>) numbers.set(kind, value);
    this.numbers.delete(child);
    return true;
  }
}

export function resolveSuppliers(payees: Payee[], decisions: Decision[] = []): Resolution {
  const named = payees
    .filter((p) => !p.redacted)
    .map((p) => ({ payee: p, ...supplierName(p.name) }))
    .filter((n) => n.key);
  const clusters = new Clusters(
    named.map((n) => n.payee),
    decisions,
  );
  const links: Link[] = [];
  const join = (a: number, b: number, confidence: number, reason: LinkReason) => {
    if (clusters.find(a) === clusters.find(b)) return;
    if (clusters.union(a, b)) links.push({ a, b, confidence, reason });
  };

  for (const d of decisions) {
    if (d.same && clusters.has(d.a) && clusters.has(d.b)) join(d.a, d.b, 1, 'decision');
  }

  // Identifiers that decide.
  for (const kind of IDENTIFIERS) {
    const first = new Map<string, number>();
    for (const { payee } of named) {
      const value = identifier(payee[kind]);
      if (!value) continue;
      const seen = first.get(value);
      if (seen === undefined) first.set(value, payee.id);
      else join(seen, payee.id, 1, 'identifier');
    }
  }

  // Equal keys, and trading names equal to a key.
  const byKey = new Map<string, number>();
  for (const n of named) {
    const seen = byKey.get(n.key);
    if (seen === undefined) byKey.set(n.key, n.payee.id);
    else join(seen, n.payee.id, 0.99, 'name');
  }
  for (const n of named) {
    for (const other of n.otherKeys) {
      const seen = byKey.get(other);
      if (seen !== undefined) join(seen, n.payee.id, 0.97, 'name');
    }
  }

  // A name written as an acronym ("TfGM", "L&Q") is the one name whose words it spells, if only one does.
  const spelt = new Map<string, number[]>();
  for (const [key, payee] of byKey) {
    for (const i of initials(key)) spelt.set(i, [...(spelt.get(i) ?? []), payee]);
  }
  for (const n of named) {
    const matches = n.acronym ? [...new Set(spelt.get(n.acronym) ?? [])] : [];
    if (matches.length === 1) join(matches[0] as number, n.payee.id, 0.9, 'similar');
  }

  // Trading names and bracketed company names are compared as names of their own.
  for (const n of named) for (const other of n.otherKeys) if (!byKey.has(other)) byKey.set(other, n.payee.id);

  // Distinct keys compared within blocks.
  const keys = [...byKey.keys()];
  const wordsOf = keys.map((k) => k.split(' '));
  const weights = new WordWeights();
  for (const w of wordsOf) weights.add(w);
  const blocks = new Map<string, number[]>();
  const addTo = (block: string, i: number) => {
    const list = blocks.get(block);
    if (list) list.push(i);
    else blocks.set(block, [i]);
  };
  wordsOf.forEach((words, i) => {
    for (const w of new Set(words)) if (weights.count(w) <= MAX_BLOCK) addTo(`w:${w}`, i);
    const key = keys[i] as string;
    if (key.length >= PREFIX) addTo(`p:${key.slice(0, PREFIX)}`, i);
  });
  const vatOf = new Map<number, string>();
  for (const n of named) {
    const vat = identifier(n.payee.vatNumber);
    if (vat) vatOf.set(byKey.get(n.key) as number, vat);
  }

  const review: Link[] = [];
  const scored = new Set<number>();
  const candidates: Link[] = [];
  for (const members of blocks.values()) {
    if (members.length < 2 || members.length > MAX_BLOCK) continue;
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const [i, j] = [members[x] as number, members[y] as number];
        const pair = i < j ? i * keys.length + j : j * keys.length + i;
        if (scored.has(pair)) continue;
        scored.add(pair);
        const a = byKey.get(keys[i] as string) as number;
        const b = byKey.get(keys[j] as string) as number;
        let score = nameSimilarity(wordsOf[i] as string[], wordsOf[j] as string[], weights);
        if (truncationOf(keys[i] as string, keys[j] as string)) score = Math.max(score, 0.9);
        if (score >= JOIN && separateEntity(wordsOf[i] as string[], wordsOf[j] as string[]))
          score = JOIN - 0.01;
        const sameVat = vatOf.get(a) !== undefined && vatOf.get(a) === vatOf.get(b);
        if (score >= JOIN) candidates.push({ a, b, confidence: score, reason: 'similar' });
        else if (sameVat && score >= REVIEW) candidates.push({ a, b, confidence: score, reason: 'vat' });
        else if (score >= REVIEW) review.push({ a, b, confidence: score, reason: 'similar' });
      }
    }
  }
  // Strongest evidence first, so a weak link cannot claim a name a strong one would.
  candidates.sort((p, q) => q.confidence - p.confidence || p.a - q.a || p.b - q.b);
  for (const c of candidates) join(c.a, c.b, c.confidence, c.reason);

  const clusterOf = new Map<number, number>();
  for (const n of named) clusterOf.set(n.payee.id, clusters.find(n.payee.id));
  return {
    clusterOf,
    links,
    review: review
      .filter((r) => clusters.find(r.a) !== clusters.find(r.b) && !clusters.conflict(r.a, r.b))
      .sort((p, q) => q.confidence - p.confidence),
  };
}

/** One key is the other cut short at a field width: long enough to have met one, a few words in. */
function truncationOf(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 24 && long.startsWith(short) && short.split(' ').length >= 3;
}

/**
 * Words that, added to a company's name, usually name another company of its group: "Pitney Bowes
 * Finance", "Lambert Smith Hampton Group". Names differing by one are asked about, not joined.
 */
const SEPARATE_ENTITY = new Set([
  'GROUP',
  'HOLDINGS',
  'FINANCE',
  'PAYMENTS',
  'EVENTS',
  'CAFE',
  'FUND',
  'PENSION',
]);

function separateEntity(a: string[], b: string[]): boolean {
  const [x, y] = [new Set(a), new Set(b)];
  return [...a.filter((w) => !y.has(w)), ...b.filter((w) => !x.has(w))].some((w) => SEPARATE_ENTITY.has(w));
}

/** Why two payees cannot be merged, if they cannot: different company, charity or VAT numbers. */
export function mergeConflict(a: Payee, b: Payee): string | undefined {
  const differ = differingNumbers(numbersOf(a), numbersOf(b));
  return differ && `${a.name} and ${b.name} have ${differ}`;
}

/** A payee's company, charity and VAT numbers, those it has. */
function numbersOf(p: Payee): Map<string, string> {
  const held = new Map<string, string>();
  for (const kind of [...IDENTIFIERS, 'vatNumber'] as const) {
    const value = identifier(p[kind]);
    if (value) held.set(kind, value);
  }
  return held;
}

/** The first kind of number two holders both have with different values, in words. */
function differingNumbers(a: Map<string, string>, b: Map<string, string>): string | undefined {
  for (const [kind, value] of a) {
    const other = b.get(kind);
    if (other && other !== value) return `different ${kind} (${value} and ${other})`;
  }
  return undefined;
}
