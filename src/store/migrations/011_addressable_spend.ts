/**
 * Addressable spend: each payee and each expense type is decided procurable (reason NULL) or not,
 * with the reason, by rules (method 'rule', 'directory') or by a person ('confirmed', which rules
 * never overwrite). The analysis cube carries the reason a payment is excluded, so every finder
 * reads addressable spend by `excluded IS NULL` and the excluded amounts by reason beside it.
 * Payees and expense types held before this migration are decided at the next refresh of the
 * analysis, which the server runs at start when any are undecided.
 */
export default `
CREATE TABLE payee_exclusions (
  payee_id  integer PRIMARY KEY REFERENCES payees(id) ON DELETE CASCADE,
  reason    text,
  method    text NOT NULL
);
CREATE TABLE label_exclusions (
  label_id  integer PRIMARY KEY REFERENCES spend_labels(id) ON DELETE CASCADE,
  reason    text,
  method    text NOT NULL
);
ALTER TABLE analysis_cube ADD COLUMN excluded text;
`;
