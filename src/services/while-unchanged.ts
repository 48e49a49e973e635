import type { Database } from '../store/db.js';

/** Results kept per database while its data is unchanged, keyed by question and data version. */
const keptFor = new WeakMap<Database, Map<string, unknown>>();
const KEPT = 100;

/**
 * Answers `question` from memory while the data version is the one it was computed at: many people
 * asking for the same partnership's report cost one computation, and no one gets stale figures. While
 * the version is unknown (another process's changes could go unheard) every answer is computed afresh.
 */
export async function whileUnchanged<T>(
  db: Database,
  question: unknown,
  compute: () => Promise<T>,
): Promise<T> {
  const version = db.dataVersion();
  if (version === undefined) return compute();
  const key = JSON.stringify([version, question]);
  const kept = keptFor.get(db) ?? new Map<string, unknown>();
  keptFor.set(db, kept);
  if (kept.has(key)) return kept.get(key) as T;
  const answer = await compute();
  if (kept.size >= KEPT) kept.delete(kept.keys().next().value as string);
  kept.set(key, answer);
  return answer;
}
