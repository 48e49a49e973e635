import { analysisVersion } from '../store/analysis-cube.js';
import type { Sql } from '../store/db.js';

/** Results kept per database while nothing the finders read has changed, keyed by question and version. */
const keptFor = new WeakMap<Sql, Map<string, unknown>>();
const KEPT = 100;

/**
 * Answers `question` from memory while the analysis version is the one it was computed at: many
 * people loading the same partnership page cost one computation, and no one gets stale figures.
 */
export async function whileUnchanged<T>(db: Sql, question: unknown, compute: () => Promise<T>): Promise<T> {
  const key = JSON.stringify([await analysisVersion(db), question]);
  const kept = keptFor.get(db) ?? new Map<string, unknown>();
  keptFor.set(db, kept);
  if (kept.has(key)) return kept.get(key) as T;
  const answer = await compute();
  if (kept.size >= KEPT) kept.delete(kept.keys().next().value as string);
  kept.set(key, answer);
  return answer;
}
