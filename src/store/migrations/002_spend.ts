/**
 * Published spend. Text that repeats (payees, expense types, service areas, purposes) is kept once
 * in small dictionary tables; payments are narrow rows of ids, dates and pence, keyed by body so the
 * table could be distributed by body. The cube is what the opportunity finder reads.
 */
export default `
CREATE TABLE spend_imports (
  id            serial PRIMARY KEY,
  body_id       integer NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  file_name     text NOT NULL,
  file_sha256   text NOT NULL,
  imported_at   timestamptz NOT NULL DEFAULT now(),
  layout        jsonb NOT NULL,
  rows_read     integer NOT NULL,
  accepted      integer NOT NULL,
  duplicates    integer NOT NULL,
  rejected      integer NOT NULL,
  total_pence   bigint NOT NULL,
  first_date    date,
  last_date     date,
  rejections    jsonb NOT NULL,
  notes         jsonb NOT NULL
);
CREATE INDEX spend_imports_body ON spend_imports (body_id, imported_at DESC);

-- The columns a person chose for a body's files, by heading, so next month's file imports without questions.
CREATE TABLE spend_column_choices (
  body_id  integer PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  columns  jsonb NOT NULL
);

-- A payee as a file names it, with whatever identifiers came with it. Blank identifiers are '' so
-- that the unique key holds.
CREATE TABLE payees (
  id             serial PRIMARY KEY,
  name           text NOT NULL,
  supplier_ref   text NOT NULL DEFAULT '',
  vat_number     text NOT NULL DEFAULT '',
  company_number text NOT NULL DEFAULT '',
  charity_number text NOT NULL DEFAULT '',
  redacted       boolean NOT NULL,
  UNIQUE (name, supplier_ref, vat_number, company_number, charity_number, redacted)
);

CREATE TABLE spend_labels (
  id     serial PRIMARY KEY,
  kind   text NOT NULL,
  value  text NOT NULL,
  UNIQUE (kind, value)
);

-- No foreign keys here: checking six of them a row made COPY five times slower (measured in
-- bench/import), and only the importer writes these ids, from the tables above in the same
-- transaction. Deleting a body or an import deletes its payments explicitly.
CREATE TABLE payments (
  body_id            integer NOT NULL,
  content_key        bigint NOT NULL,
  import_id          integer NOT NULL,
  row_number         integer NOT NULL,
  paid_on            date,
  month              date NOT NULL,
  amount_pence       bigint NOT NULL,
  payee_id           integer NOT NULL,
  transaction_number text,
  expense_area_id    integer,
  expense_type_id    integer,
  category_id        integer,
  purpose_id         integer,
  PRIMARY KEY (body_id, content_key)
);
CREATE INDEX payments_body_month ON payments (body_id, month);
CREATE INDEX payments_payee ON payments (payee_id);
CREATE INDEX payments_expense_type ON payments (expense_type_id);
CREATE INDEX payments_import ON payments (import_id);

CREATE TABLE spend_cube (
  body_id          integer NOT NULL,
  month            date NOT NULL,
  payee_id         integer NOT NULL,
  expense_type_id  integer,
  category_id      integer,
  amount_pence     bigint NOT NULL,
  payments         integer NOT NULL
);
CREATE INDEX spend_cube_body_month ON spend_cube (body_id, month);
CREATE INDEX spend_cube_payee ON spend_cube (payee_id);
`;
