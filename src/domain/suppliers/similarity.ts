/**
 * How alike two supplier keys are, weighting each word by how rare it is among all names: sharing
 * "KINGSLEY" says much more than sharing "CARE".
 */

/** Jaro-Winkler similarity of two words, 0 to 1: forgiving of a transposed or dropped letter. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Uint8Array(a.length);
  const bMatched = new Uint8Array(b.length);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - range); j < Math.min(b.length, i + range + 1); j++) {
      if (!bMatched[j] && a[i] === b[j]) {
        aMatched[i] = 1;
        bMatched[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (!matches) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) transpositions++;
    j++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Credit for two different words: a misspelling, or an abbreviation ("NUR" for "NURSERIES"). */
function wordMatch(a: string, b: string): number {
  if (a === b) return 1;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 3 && long.startsWith(short)) return 0.9;
  if (short.length >= 5 && jaroWinkler(a, b) >= 0.94) return 0.9;
  return 0;
}

/** Word weights: inverse document frequency over the names being resolved. */
export class WordWeights {
  private readonly counts = new Map<string, number>();
  private names = 0;

  add(words: string[]) {
    this.names++;
    for (const w of new Set(words)) this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
  }

  count(word: string): number {
    return this.counts.get(word) ?? 0;
  }

  weight(word: string): number {
    return Math.log((this.names + 1) / ((this.counts.get(word) ?? 0) + 0.5));
  }
}

/**
 * Weighted Jaccard of two names' words, each word matched to its best partner in the other name.
 * 1 when the words are the same; the share of the weight that is shared otherwise.
 */
export function nameSimilarity(a: string[], b: string[], weights: WordWeights): number {
  let shared = 0;
  let total = 0;
  const used = new Uint8Array(b.length);
  for (const word of a) {
    const w = weights.weight(word);
    let best = 0;
    let bestAt = -1;
    b.forEach((other, j) => {
      if (used[j]) return;
      const credit = wordMatch(word, other);
      if (credit > best) {
        best = credit;
        bestAt = j;
      }
    });
    if (bestAt >= 0) {
      used[bestAt] = 1;
      const partner = weights.weight(b[bestAt] as string);
      const pairWeight = (w + partner) / 2;
      shared += best * pairWeight;
      total += pairWeight;
    } else {
      total += w;
    }
  }
  b.forEach((word, j) => {
    if (!used[j]) total += weights.weight(word);
  });
  return total ? shared / total : 0;
}
