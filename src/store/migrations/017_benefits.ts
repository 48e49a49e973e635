/**
 * Benefits realisation: price indices loaded as data (a series' values by year, quarter and month),
 * benefits plans (what a live project promised each partner, and what spend should show it) and the
 * savings partners record against them by year. A plan keeps its input whole, as a business case does.
 */
export default `
CREATE TABLE price_indices (
  series        text PRIMARY KEY,
  title         text NOT NULL,
  release_date  text,
  file_name     text NOT NULL,
  loaded_at     timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE price_index_points (
  series  text NOT NULL REFERENCES price_indices(series) ON DELETE CASCADE,
  period  text NOT NULL,
  value   numeric NOT NULL CHECK (value > 0),
  PRIMARY KEY (series, period)
);

CREATE TABLE benefits_plans (
  id                serial PRIMARY KEY,
  partnership_id    integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  project_id        integer REFERENCES projects(id) ON DELETE SET NULL,
  business_case_id  integer REFERENCES business_cases(id) ON DELETE SET NULL,
  name              text NOT NULL,
  input             jsonb NOT NULL,
  confidential      boolean NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX benefits_plans_partnership ON benefits_plans (partnership_id);

CREATE TABLE realised_savings (
  plan_id       integer NOT NULL REFERENCES benefits_plans(id) ON DELETE CASCADE,
  body_id       integer NOT NULL REFERENCES bodies(id) ON DELETE RESTRICT,
  year          integer NOT NULL CHECK (year >= 1),
  amount_pence  bigint NOT NULL,
  status        text NOT NULL,
  evidence      text NOT NULL,
  confirmed_by  text NOT NULL,
  news_item_id  integer REFERENCES news_items(id) ON DELETE SET NULL,
  recorded_by   text NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, body_id, year)
);
`;
