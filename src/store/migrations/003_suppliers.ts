/**
 * Supplier resolution and categories. Payees (as files name them) are grouped into suppliers; the
 * spend cube keeps payee ids, so re-clustering rewrites this small mapping, never the payments.
 * Expense types and published classifications map, per body, to the common categories.
 */
export default `
-- Generated spend for the demo, shown as synthetic wherever it is counted.
ALTER TABLE spend_imports ADD COLUMN synthetic boolean NOT NULL DEFAULT false;

-- A classification as published: its label and, where the file gave one, its ProClass or CPV code.
ALTER TABLE spend_labels ADD COLUMN code text NOT NULL DEFAULT '';
ALTER TABLE spend_labels DROP CONSTRAINT spend_labels_kind_value_key;
ALTER TABLE spend_labels ADD CONSTRAINT spend_labels_kind_value_code_key UNIQUE (kind, value, code);

CREATE TABLE suppliers (
  id           serial PRIMARY KEY,
  -- The name it is paid under most, by amount.
  name         text NOT NULL,
  -- Kept up to date by each resolution, so lists need not sum the cube.
  names        integer NOT NULL DEFAULT 0,
  bodies       integer NOT NULL DEFAULT 0,
  spend_pence  bigint NOT NULL DEFAULT 0
);
CREATE INDEX suppliers_spend ON suppliers (spend_pence DESC);

CREATE TABLE payee_suppliers (
  payee_id     integer PRIMARY KEY REFERENCES payees(id) ON DELETE CASCADE,
  supplier_id  integer NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
  -- How sure the link to the rest of the supplier is (1 for a shared identifier or a person's decision).
  confidence   real NOT NULL,
  reason       text NOT NULL
);
CREATE INDEX payee_suppliers_supplier ON payee_suppliers (supplier_id);

-- Pairs of payees alike enough to ask a person about.
CREATE TABLE supplier_reviews (
  payee_a     integer NOT NULL REFERENCES payees(id) ON DELETE CASCADE,
  payee_b     integer NOT NULL REFERENCES payees(id) ON DELETE CASCADE,
  confidence  real NOT NULL,
  PRIMARY KEY (payee_a, payee_b)
);

-- What people decided; re-clustering always honours it.
CREATE TABLE supplier_decisions (
  payee_a     integer NOT NULL REFERENCES payees(id) ON DELETE CASCADE,
  payee_b     integer NOT NULL REFERENCES payees(id) ON DELETE CASCADE,
  same        boolean NOT NULL,
  decided_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (payee_a, payee_b),
  CHECK (payee_a < payee_b)
);

CREATE TABLE category_mappings (
  body_id   integer NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  label_id  integer NOT NULL REFERENCES spend_labels(id) ON DELETE CASCADE,
  category  text NOT NULL,
  -- code: from a published ProClass or CPV code; confirmed: by a person; learned: the words a person
  -- confirmed at another body; rule: by the documented rules.
  method    text NOT NULL,
  PRIMARY KEY (body_id, label_id)
);

-- What the opportunity and partner finders read: spend by body, month, supplier and category, with
-- resolution and category mapping already applied. Rebuilt whenever either changes; redacted
-- payees have no supplier.
CREATE TABLE analysis_cube (
  body_id       integer NOT NULL,
  month         date NOT NULL,
  supplier_id   integer,
  category      text NOT NULL,
  amount_pence  bigint NOT NULL,
  payments      integer NOT NULL
);
CREATE INDEX analysis_cube_body_month ON analysis_cube (body_id, month);

-- Counts changes to what the finders read, so a report computed before a change is never served after it.
CREATE TABLE analysis_state (version bigint NOT NULL);
INSERT INTO analysis_state (version) VALUES (0);
`;
