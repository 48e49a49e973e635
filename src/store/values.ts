/**
 * How values come back from either engine: dates stay ISO strings and bigints become numbers (pence
 * fit in 2^53), so every repository sees the same shapes on PGlite and PostgreSQL.
 */
export const INT8 = 20;
export const DATE = 1082;
export const TIMESTAMPTZ = 1184;

export const toNumber = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Integer ${v} is too large to handle exactly`);
  return n;
};

export const toIso = (v: string) => new Date(v).toISOString();
