import { NotFoundError } from '../domain/errors.js';
import type { PriceSeries } from '../domain/price-index.js';
import type { Sql } from './db.js';

export interface PriceIndexSummary {
  series: string;
  title: string;
  releaseDate?: string;
  fileName: string;
  loadedAt: string;
  updatedAt: string;
  firstPeriod: string;
  lastMonth: string;
}

/** Loads a series, replacing whatever of the same series was held: all of it or, if stopped, none. */
export async function savePriceSeries(sql: Sql, s: PriceSeries, fileName: string) {
  await sql.transaction(async (tx) => {
    // A new release keeps the series' place: which index plans use by default does not move.
    await tx.query(
      `INSERT INTO price_indices (series, title, release_date, file_name) VALUES ($1, $2, $3, $4)
       ON CONFLICT (series) DO UPDATE SET title = excluded.title, release_date = excluded.release_date,
         file_name = excluded.file_name, updated_at = now()`,
      [s.series, s.title, s.releaseDate ?? null, fileName],
    );
    await tx.query('DELETE FROM price_index_points WHERE series = $1', [s.series]);
    await tx.query(
      `INSERT INTO price_index_points (series, period, value)
       SELECT $1, p.period, p.value FROM unnest($2::text[], $3::numeric[]) AS p(period, value)`,
      [s.series, s.points.map((p) => p.period), s.points.map((p) => p.value)],
    );
  });
}

export async function listPriceIndices(sql: Sql): Promise<PriceIndexSummary[]> {
  return sql.query<PriceIndexSummary>(
    `SELECT i.series, i.title, i.release_date AS "releaseDate", i.file_name AS "fileName", i.loaded_at AS "loadedAt", i.updated_at AS "updatedAt",
       (SELECT min(period) FROM price_index_points p WHERE p.series = i.series) AS "firstPeriod",
       (SELECT max(period) FROM price_index_points p WHERE p.series = i.series AND period LIKE '%-%') AS "lastMonth"
     FROM price_indices i ORDER BY i.series`,
  );
}

/** A series as loaded; the first ever loaded (CPI D7BT, in the demo) when none is named. */
export async function getPriceSeries(sql: Sql, series?: string): Promise<PriceSeries | undefined> {
  const [index] = await sql.query<{ series: string; title: string; releaseDate: string | null }>(
    `SELECT series, title, release_date AS "releaseDate" FROM price_indices
     WHERE $1::text IS NULL OR series = $1 ORDER BY loaded_at, series LIMIT 1`,
    [series ?? null],
  );
  if (!index) {
    if (series) throw new NotFoundError(`No price index ${series} is loaded`);
    return undefined;
  }
  const points = await sql.query<{ period: string; value: string }>(
    'SELECT period, value::text AS value FROM price_index_points WHERE series = $1 ORDER BY period',
    [index.series],
  );
  return {
    series: index.series,
    title: index.title,
    ...(index.releaseDate ? { releaseDate: index.releaseDate } : {}),
    points: points.map((p) => ({ period: p.period, value: Number(p.value) })),
  };
}
