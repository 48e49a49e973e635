/**
 * A payment's identity no longer depends on how its descriptive columns were chosen: its content key
 * is taken over date, amount, payee name, supplier reference and transaction number only (see
 * contentKey in store/spend.ts, which this SQL must agree with). Payments stored before are re-keyed
 * the same way; where two imports stored the same payment twice (the same file read with another
 * expense-type column), the first import's copy is kept and the cubes are summed again.
 *
 * An import read again from the same file otherwise records which later import replaced it.
 */
export default `
ALTER TABLE spend_imports ADD COLUMN replaced_by integer REFERENCES spend_imports(id) ON DELETE SET NULL;

CREATE TEMPORARY TABLE payments_rekeyed ON COMMIT DROP AS
  SELECT k.*, row_number() OVER (PARTITION BY k.import_id, k.digest ORDER BY k.row_number) - 1 AS repeat
  FROM (
    SELECT p.*, ('x' || left(encode(sha256(convert_to(
        p.body_id::text || chr(1) || coalesce(p.paid_on, p.month)::text || chr(1) || p.amount_pence::text
        || chr(1) || y.name || chr(1) || y.supplier_ref || chr(1) || coalesce(p.transaction_number, ''),
      'UTF8')), 'hex'), 16))::bit(64)::bigint AS digest
    FROM payments p JOIN payees y ON y.id = p.payee_id
  ) k;

DELETE FROM payments;

-- The digest plus the repeat, wrapping as a signed 64-bit integer does.
INSERT INTO payments (body_id, content_key, import_id, row_number, paid_on, month, amount_pence, payee_id,
    transaction_number, expense_area_id, expense_type_id, category_id, purpose_id)
  SELECT DISTINCT ON (body_id, key) body_id, key, import_id, row_number, paid_on, month, amount_pence, payee_id,
    transaction_number, expense_area_id, expense_type_id, category_id, purpose_id
  FROM (SELECT r.*, ((r.digest::numeric + r.repeat + 9223372036854775808) % 18446744073709551616
      - 9223372036854775808)::bigint AS key FROM payments_rekeyed r) r
  ORDER BY body_id, key, import_id, row_number;

DELETE FROM spend_cube;
INSERT INTO spend_cube (body_id, month, payee_id, expense_type_id, category_id, amount_pence, payments)
  SELECT body_id, month, payee_id, expense_type_id, category_id, sum(amount_pence), count(*)
  FROM payments GROUP BY body_id, month, payee_id, expense_type_id, category_id;

DELETE FROM analysis_cube;
INSERT INTO analysis_cube (body_id, month, supplier_id, category, amount_pence, payments)
  SELECT c.body_id, c.month, ps.supplier_id, coalesce(mc.category, mt.category, 'unmapped'),
    sum(c.amount_pence), sum(c.payments)
  FROM spend_cube c
    LEFT JOIN payee_suppliers ps ON ps.payee_id = c.payee_id
    LEFT JOIN category_mappings mc ON mc.body_id = c.body_id AND mc.label_id = c.category_id
    LEFT JOIN category_mappings mt ON mt.body_id = c.body_id AND mt.label_id = c.expense_type_id
  GROUP BY 1, 2, 3, 4;
UPDATE suppliers s SET spend_pence = t.spend
  FROM (SELECT ps.supplier_id, coalesce(sum(c.amount_pence), 0)::bigint AS spend
        FROM payee_suppliers ps LEFT JOIN spend_cube c ON c.payee_id = ps.payee_id GROUP BY 1) t
  WHERE t.supplier_id = s.id;
UPDATE analysis_state SET version = version + 1;
`;
