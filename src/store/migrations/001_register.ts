/** The bodies directory and the partnership register. */
export default `
CREATE TABLE bodies (
  id            serial PRIMARY KEY,
  code          text NOT NULL UNIQUE,
  registry_code text UNIQUE,
  name          text NOT NULL,
  kind          text NOT NULL,
  nation        text NOT NULL,
  region        text,
  parent_id     integer REFERENCES bodies(id) ON DELETE SET NULL,
  population    integer CHECK (population >= 0),
  start_date    date,
  end_date      date,
  alt_names     text[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX bodies_kind ON bodies (kind);
CREATE INDEX bodies_region ON bodies (region);
CREATE INDEX bodies_parent ON bodies (parent_id);

CREATE TABLE body_successors (
  body_id      integer NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  successor_id integer NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  PRIMARY KEY (body_id, successor_id),
  CHECK (body_id <> successor_id)
);

-- Neighbours are stored in both directions so that either side reads them with one lookup.
CREATE TABLE body_neighbours (
  body_id      integer NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  neighbour_id integer NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  PRIMARY KEY (body_id, neighbour_id),
  CHECK (body_id <> neighbour_id)
);

CREATE TABLE partnerships (
  id          serial PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  kind        text NOT NULL,
  status      text NOT NULL,
  start_date  date,
  end_date    date,
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE partnership_members (
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  body_id        integer NOT NULL REFERENCES bodies(id) ON DELETE RESTRICT,
  role           text NOT NULL,
  PRIMARY KEY (partnership_id, body_id)
);
CREATE INDEX partnership_members_body ON partnership_members (body_id);

CREATE TABLE partnership_services (
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  service        text NOT NULL,
  PRIMARY KEY (partnership_id, service)
);

CREATE TABLE governance_roles (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  position       integer NOT NULL,
  person         text NOT NULL,
  role           text NOT NULL,
  body_id        integer REFERENCES bodies(id) ON DELETE RESTRICT,
  expertise      text
);

CREATE TABLE funding_awards (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  position       integer NOT NULL,
  scheme         text NOT NULL,
  amount_pence   bigint NOT NULL CHECK (amount_pence >= 0),
  year           integer NOT NULL,
  body_id        integer REFERENCES bodies(id) ON DELETE RESTRICT
);

CREATE TABLE savings_claims (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  position       integer NOT NULL,
  amount_pence   bigint NOT NULL CHECK (amount_pence >= 0),
  period         text NOT NULL,
  description    text NOT NULL DEFAULT '',
  source_url     text,
  status         text NOT NULL
);

CREATE TABLE projects (
  id             serial PRIMARY KEY,
  partnership_id integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  name           text NOT NULL,
  service        text NOT NULL,
  lead_body_id   integer REFERENCES bodies(id) ON DELETE RESTRICT,
  stage          text NOT NULL,
  description    text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partnership_id, name)
);
CREATE INDEX projects_lead_body ON projects (lead_body_id);
`;
