import { ConflictError, NotFoundError } from '../domain/errors.js';
import { type Decision, type Payee, mergeConflict, resolveSuppliers } from '../domain/suppliers/resolve.js';
import { analysisChanged, rebuildAnalysisCube } from './analysis-cube.js';
import type { Sql } from './db.js';
import { faultPoint } from './faults.js';
import { Conditions, containing, financialYear, type Page, type Paging, withoutNulls } from './rows.js';

export interface ResolutionSummary {
  payees: number;
  suppliers: number;
  /** Payees joined to another by name, identifier, likeness or a person's decision. */
  links: number;
  review: number;
  seconds: number;
}

/**
 * Clusters every payee into suppliers again, honouring people's decisions. Supplier numbers stay
 * as they were for clusters that carry on, so links and bookmarks survive re-clustering. The
 * analysis cube is rebuilt for the bodies paying a payee whose supplier changed, and for `alsoBodies`
 * (those whose spend or categories changed since): 'all' rebuilds it whole.
 */
export async function resolveAllSuppliers(
  db: Sql,
  alsoBodies: number[] | 'all' = [],
): Promise<ResolutionSummary> {
  const started = performance.now();
  return db.transaction(async (tx) => {
    await lockSupplierGrouping(tx);
    const payees = await tx.query<Payee & { spend: number }>(
      `SELECT p.id, p.name, p.vat_number AS "vatNumber", p.company_number AS "companyNumber",
         p.charity_number AS "charityNumber", p.redacted, coalesce(s.spend, 0) AS spend
       FROM payees p LEFT JOIN (SELECT payee_id, sum(abs(amount_pence))::bigint AS spend FROM spend_cube GROUP BY payee_id) s
         ON s.payee_id = p.id`,
    );
    const decisions = await tx.query<Decision>(
      'SELECT payee_a AS a, payee_b AS b, same FROM supplier_decisions',
    );
    const { clusterOf, links, review } = resolveSuppliers(payees, decisions);

    const previous = new Map(
      (
        await tx.query<{ payee_id: number; supplier_id: number }>(
          'SELECT payee_id, supplier_id FROM payee_suppliers',
        )
      ).map((r) => [r.payee_id, r.supplier_id]),
    );
    const byId = new Map(payees.map((p) => [p.id, p]));
    const members = new Map<number, number[]>();
    for (const [payee, cluster] of clusterOf) {
      const list = members.get(cluster);
      if (list) list.push(payee);
      else members.set(cluster, [payee]);
    }
    // Each cluster keeps the supplier number most of its spend was under, if no bigger cluster took it.
    const clusters = [...members.values()].sort((a, b) => b.length - a.length);
    const claimed = new Set<number>();
    const supplierOf = new Map<number[], number | undefined>();
    for (const list of clusters) {
      const votes = new Map<number, number>();
      for (const p of list) {
        const old = previous.get(p);
        if (old !== undefined) votes.set(old, (votes.get(old) ?? 0) + 1 + (byId.get(p)?.spend ?? 0));
      }
      const [best] = [...votes].filter(([id]) => !claimed.has(id)).sort((a, b) => b[1] - a[1]);
      if (best) claimed.add(best[0]);
      supplierOf.set(list, best?.[0]);
    }
    const nameOf = (list: number[]) =>
      (
        list
          .map((p) => byId.get(p) as Payee & { spend: number })
          .sort((a, b) => b.spend - a.spend || a.id - b.id)[0] as Payee
      ).name;

    await tx.query('DELETE FROM payee_suppliers');
    const kept = clusters.filter((l) => supplierOf.get(l) !== undefined);
    if (kept.length) {
      await tx.query(
        'UPDATE suppliers s SET name = n.name FROM unnest($1::int[], $2::text[]) AS n(id, name) WHERE s.id = n.id',
        [kept.map((l) => supplierOf.get(l)), kept.map(nameOf)],
      );
    }
    await tx.query('DELETE FROM suppliers WHERE NOT (id = ANY($1::int[]))', [[...claimed]]);
    const fresh = clusters.filter((l) => supplierOf.get(l) === undefined);
    if (fresh.length) {
      const ids = await tx.query<{ id: number }>(
        'INSERT INTO suppliers (name) SELECT unnest($1::text[]) RETURNING id',
        [fresh.map(nameOf)],
      );
      fresh.forEach((l, i) => supplierOf.set(l, (ids[i] as { id: number }).id));
    }

    const why = new Map<number, { confidence: number; reason: string }>();
    for (const link of links) why.set(link.b, { confidence: link.confidence, reason: link.reason });
    const rows = clusters.flatMap((list) =>
      list.map(
        (p) => [p, supplierOf.get(list), why.get(p)?.confidence ?? 1, why.get(p)?.reason ?? 'first'] as const,
      ),
    );
    await tx.query(
      `INSERT INTO payee_suppliers (payee_id, supplier_id, confidence, reason)
       SELECT * FROM unnest($1::int[], $2::int[], $3::real[], $4::text[])`,
      [0, 1, 2, 3].map((i) => rows.map((r) => r[i])),
    );
    await tx.query(
      `UPDATE suppliers s SET names = t.names, bodies = t.bodies, spend_pence = t.spend
       FROM (SELECT ps.supplier_id, count(DISTINCT ps.payee_id)::int AS names, count(DISTINCT c.body_id)::int AS bodies,
               coalesce(sum(c.amount_pence), 0)::bigint AS spend
             FROM payee_suppliers ps LEFT JOIN spend_cube c ON c.payee_id = ps.payee_id GROUP BY 1) t
       WHERE t.supplier_id = s.id`,
    );
    const changed = rows
      .filter(([payee, supplier]) => previous.get(payee) !== supplier)
      .map(([payee]) => payee);
    const affected =
      alsoBodies === 'all'
        ? 'all'
        : [
            ...new Set([
              ...alsoBodies,
              ...(
                await tx.query<{ body_id: number }>(
                  'SELECT DISTINCT body_id FROM spend_cube WHERE payee_id = ANY($1::int[])',
                  [[...changed, ...[...previous.keys()].filter((p) => !clusterOf.has(p))]],
                )
              ).map((r) => r.body_id),
            ]),
          ];
    faultPoint('suppliers:resolved');
    await rebuildAnalysisCube(tx, affected);
    // Supplier names and totals may change even where no payee moved.
    await analysisChanged(tx);
    await tx.query('DELETE FROM supplier_reviews');
    await tx.query(
      `INSERT INTO supplier_reviews (payee_a, payee_b, confidence)
       SELECT * FROM unnest($1::int[], $2::int[], $3::real[]) ON CONFLICT DO NOTHING`,
      [
        review.map((r) => Math.min(r.a, r.b)),
        review.map((r) => Math.max(r.a, r.b)),
        review.map((r) => r.confidence),
      ],
    );
    return {
      payees: clusterOf.size,
      suppliers: clusters.length,
      links: links.length,
      review: review.length,
      seconds: (performance.now() - started) / 1000,
    };
  });
}

/**
 * One change to the grouping of payees at a time: two imports finishing together must not
 * interleave their writes. Taken first by anything that writes the grouping, before any row lock,
 * so that no two transactions wait for each other in opposite orders (a deadlock on PostgreSQL).
 */
async function lockSupplierGrouping(tx: Sql) {
  await tx.query('SELECT pg_advisory_xact_lock(7115003)');
}

export interface SupplierSummary {
  id: number;
  name: string;
  names: number;
  bodies: number;
  spendPence: number;
}

export async function listSuppliers(
  sql: Sql,
  filter: { q?: string | undefined; body?: string | undefined },
  paging: Paging,
): Promise<Page<SupplierSummary>> {
  const where = new Conditions()
    .add(
      'EXISTS (SELECT 1 FROM payee_suppliers x JOIN payees p ON p.id = x.payee_id WHERE x.supplier_id = s.id AND p.name ILIKE ?)',
      containing(filter.q),
    )
    .add(
      `EXISTS (SELECT 1 FROM payee_suppliers x JOIN spend_cube c ON c.payee_id = x.payee_id JOIN bodies b ON b.id = c.body_id
         WHERE x.supplier_id = s.id AND b.code = ?)`,
      filter.body?.toUpperCase(),
    );
  const [count] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM suppliers s ${where.where()}`,
    where.params,
  );
  const items = await sql.query<SupplierSummary>(
    `SELECT s.id, s.name, s.names, s.bodies, s.spend_pence AS "spendPence" FROM suppliers s ${where.where()}
     ORDER BY s.spend_pence DESC, s.name LIMIT ${where.param(paging.perPage)} OFFSET ${where.param((paging.page - 1) * paging.perPage)}`,
    where.params,
  );
  return { items, total: count?.n ?? 0, ...paging };
}

export interface SupplierName {
  payeeId: number;
  name: string;
  confidence: number;
  reason: string;
  vatNumber?: string;
  companyNumber?: string;
  charityNumber?: string;
  bodies: string[];
  spendPence: number;
}

export interface Supplier {
  id: number;
  name: string;
  names: SupplierName[];
  /** Spend by body and financial year (April to March), largest first. */
  spend: { bodyCode: string; bodyName: string; year: string; spendPence: number; payments: number }[];
  /** The largest payments, with the name and expense type each was published under. */
  payments: {
    bodyCode: string;
    paidOn?: string;
    month: string;
    amountPence: number;
    name: string;
    expenseType?: string;
  }[];
}

export async function getSupplier(sql: Sql, id: number): Promise<Supplier> {
  const [supplier] = await sql.query<{ id: number; name: string }>(
    'SELECT id, name FROM suppliers WHERE id = $1',
    [id],
  );
  if (!supplier) throw new NotFoundError(`No supplier has the number ${id}`);
  const names = await sql.query<SupplierName>(
    `SELECT p.id AS "payeeId", p.name, ps.confidence, ps.reason, nullif(p.vat_number, '') AS "vatNumber",
       nullif(p.company_number, '') AS "companyNumber", nullif(p.charity_number, '') AS "charityNumber",
       coalesce(array_agg(DISTINCT b.code) FILTER (WHERE b.code IS NOT NULL), '{}') AS bodies,
       coalesce(sum(c.amount_pence), 0)::bigint AS "spendPence"
     FROM payee_suppliers ps JOIN payees p ON p.id = ps.payee_id
       LEFT JOIN spend_cube c ON c.payee_id = p.id LEFT JOIN bodies b ON b.id = c.body_id
     WHERE ps.supplier_id = $1 GROUP BY p.id, ps.confidence, ps.reason ORDER BY 9 DESC, p.name`,
    [id],
  );
  const spend = await sql.query<Supplier['spend'][number]>(
    `SELECT b.code AS "bodyCode", b.name AS "bodyName",
       ${financialYear('c.month')} AS year,
       sum(c.amount_pence)::bigint AS "spendPence", sum(c.payments)::int AS payments
     FROM spend_cube c JOIN payee_suppliers ps ON ps.payee_id = c.payee_id JOIN bodies b ON b.id = c.body_id
     WHERE ps.supplier_id = $1 GROUP BY 1, 2, 3 ORDER BY 3 DESC, 4 DESC`,
    [id],
  );
  const payments = await sql.query<Supplier['payments'][number]>(
    `SELECT b.code AS "bodyCode", pa.paid_on AS "paidOn", pa.month, pa.amount_pence AS "amountPence", p.name,
       l.value AS "expenseType"
     FROM payments pa JOIN payee_suppliers ps ON ps.payee_id = pa.payee_id JOIN payees p ON p.id = pa.payee_id
       JOIN bodies b ON b.id = pa.body_id LEFT JOIN spend_labels l ON l.id = pa.expense_type_id
     WHERE ps.supplier_id = $1 ORDER BY pa.amount_pence DESC LIMIT 50`,
    [id],
  );
  return {
    ...supplier,
    names: names.map((n) => withoutNulls(n) as SupplierName),
    spend,
    payments: payments.map((p) => withoutNulls(p) as Supplier['payments'][number]),
  };
}

/** The supplier a payee name belongs to, matched exactly first, then as part of a name. */
export async function findSupplier(sql: Sql, name: string): Promise<Supplier> {
  const [row] = await sql.query<{ id: number }>(
    `SELECT ps.supplier_id AS id FROM payees p JOIN payee_suppliers ps ON ps.payee_id = p.id
     WHERE p.name ILIKE $1 OR p.name ILIKE $2 ORDER BY (p.name ILIKE $1) DESC, length(p.name) LIMIT 1`,
    [name.replace(/[\\%_]/g, '\\$&'), containing(name)],
  );
  if (!row) throw new NotFoundError(`No supplier is named like "${name}"`);
  return getSupplier(sql, row.id);
}

async function payeesOf(tx: Sql, supplierId: number): Promise<Payee[]> {
  const rows = await tx.query<Payee>(
    `SELECT p.id, p.name, p.vat_number AS "vatNumber", p.company_number AS "companyNumber",
       p.charity_number AS "charityNumber"
     FROM payee_suppliers ps JOIN payees p ON p.id = ps.payee_id WHERE ps.supplier_id = $1 ORDER BY p.id`,
    [supplierId],
  );
  if (!rows.length) throw new NotFoundError(`No supplier has the number ${supplierId}`);
  return rows;
}

async function decide(tx: Sql, a: number, b: number, same: boolean) {
  await tx.query(
    `INSERT INTO supplier_decisions (payee_a, payee_b, same) VALUES ($1, $2, $3)
     ON CONFLICT (payee_a, payee_b) DO UPDATE SET same = EXCLUDED.same, decided_at = now()`,
    [Math.min(a, b), Math.max(a, b), same],
  );
}

/** Refuses to join payees whose company, charity or VAT numbers differ, saying which. */
function checkJoin(left: Payee[], right: Payee[]) {
  for (const a of left) {
    for (const b of right) {
      const conflict = mergeConflict(a, b);
      if (conflict) throw new ConflictError(`These cannot be one supplier: ${conflict}`);
    }
  }
}

/** A person says two suppliers are one. */
export async function mergeSuppliers(db: Sql, id: number, intoId: number) {
  if (id === intoId) throw new ConflictError('A supplier cannot be merged into itself');
  // The decision and the regrouping it causes are one transaction: neither is kept without the other.
  await db.transaction(async (tx) => {
    await lockSupplierGrouping(tx);
    const [from, into] = [await payeesOf(tx, id), await payeesOf(tx, intoId)];
    checkJoin(from, into);
    await decide(tx, (from[0] as Payee).id, (into[0] as Payee).id, true);
    // Earlier "different" decisions between the two are overruled by this one.
    await tx.query(
      `DELETE FROM supplier_decisions WHERE NOT same AND payee_a = ANY($1::int[]) AND payee_b = ANY($1::int[])`,
      [[...from, ...into].map((p) => p.id)],
    );
    // The merged supplier keeps the number it was merged into.
    await tx.query('UPDATE payee_suppliers SET supplier_id = $2 WHERE supplier_id = $1', [id, intoId]);
    // Moved by hand above, so the resolution sees no change: the bodies paying them are named.
    const moved = await tx.query<{ body_id: number }>(
      'SELECT DISTINCT body_id FROM spend_cube WHERE payee_id = ANY($1::int[])',
      [from.map((p) => p.id)],
    );
    await resolveAllSuppliers(
      tx,
      moved.map((r) => r.body_id),
    );
  });
}

/** A person says one name of a supplier is another supplier. */
export async function splitPayee(db: Sql, supplierId: number, payeeId: number) {
  await db.transaction(async (tx) => {
    await lockSupplierGrouping(tx);
    const payees = await payeesOf(tx, supplierId);
    if (!payees.some((p) => p.id === payeeId))
      throw new NotFoundError(`Supplier ${supplierId} has no name numbered ${payeeId}`);
    if (payees.length === 1) throw new ConflictError('A supplier with one name cannot be split');
    await tx.query('DELETE FROM supplier_decisions WHERE same AND $1 IN (payee_a, payee_b)', [payeeId]);
    for (const other of payees) if (other.id !== payeeId) await decide(tx, payeeId, other.id, false);
    await resolveAllSuppliers(tx);
  });
}

export interface ReviewPair {
  confidence: number;
  a: { payeeId: number; name: string; supplierId: number };
  b: { payeeId: number; name: string; supplierId: number };
}

export async function listReviews(sql: Sql, limit = 100): Promise<ReviewPair[]> {
  return sql.query<ReviewPair>(
    `SELECT r.confidence,
       json_build_object('payeeId', pa.id, 'name', pa.name, 'supplierId', sa.supplier_id) AS a,
       json_build_object('payeeId', pb.id, 'name', pb.name, 'supplierId', sb.supplier_id) AS b
     FROM supplier_reviews r JOIN payees pa ON pa.id = r.payee_a JOIN payees pb ON pb.id = r.payee_b
       JOIN payee_suppliers sa ON sa.payee_id = pa.id JOIN payee_suppliers sb ON sb.payee_id = pb.id
     ORDER BY r.confidence DESC, r.payee_a, r.payee_b LIMIT $1`,
    [limit],
  );
}

/** A person's answer to a review pair: the same supplier or not. */
export async function decideReview(db: Sql, a: number, b: number, same: boolean) {
  await db.transaction(async (tx) => {
    await lockSupplierGrouping(tx);
    const [row] = await tx.query<{ a: number; b: number }>(
      'SELECT sa.supplier_id AS a, sb.supplier_id AS b FROM payee_suppliers sa, payee_suppliers sb WHERE sa.payee_id = $1 AND sb.payee_id = $2',
      [a, b],
    );
    if (!row) throw new NotFoundError('Those names are not both suppliers’ names');
    if (same) checkJoin(await payeesOf(tx, row.a), await payeesOf(tx, row.b));
    await decide(tx, a, b, same);
    await resolveAllSuppliers(tx);
  });
}

/** Payees' names as published, in the order of the ids asked for. */
export async function payeeNames(sql: Sql, ids: number[]): Promise<string[]> {
  const rows = await sql.query<{ id: number; name: string }>(
    'SELECT id, name FROM payees WHERE id = ANY($1::int[])',
    [ids],
  );
  return ids.map((id) => rows.find((r) => r.id === id)?.name ?? String(id));
}
