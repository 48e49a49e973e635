/**
 * Every refused row of a spend file is kept, not only the first thousand, so that all of them can
 * be downloaded to correct; they are COPYed with the payments, keeping an import's memory flat. An
 * import that stored nothing (every row refused) is marked failed: it is not spend.
 */
export default `
CREATE TABLE spend_rejections (
  import_id   integer NOT NULL REFERENCES spend_imports(id) ON DELETE CASCADE,
  row_number  integer NOT NULL,
  field       text NOT NULL,
  reason      text NOT NULL
);
CREATE INDEX spend_rejections_import ON spend_rejections (import_id, row_number);
INSERT INTO spend_rejections (import_id, row_number, field, reason)
  SELECT i.id, (r->>'row')::int, r->>'field', r->>'reason' FROM spend_imports i, jsonb_array_elements(i.rejections) r;
ALTER TABLE spend_imports DROP COLUMN rejections;
ALTER TABLE spend_imports ADD COLUMN failed boolean NOT NULL DEFAULT false;
UPDATE spend_imports SET failed = true WHERE accepted = 0 AND duplicates = 0 AND rejected > 0;
`;
