/** Business cases for shared services: the inputs are kept whole; results are computed when read. */
export default `
CREATE TABLE business_cases (
  id              serial PRIMARY KEY,
  partnership_id  integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  project_id      integer REFERENCES projects(id) ON DELETE SET NULL,
  name            text NOT NULL,
  input           jsonb NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX business_cases_partnership ON business_cases (partnership_id);
`;
