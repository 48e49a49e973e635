/**
 * Accounts, sessions, one-time links, API tokens and the audit trail; and the marks that make a
 * partnership's record private to its members (confidential savings, draft projects, notes).
 * Secrets are never stored: sessions, links and tokens keep only a SHA-256 of what the user holds.
 */
export default `
CREATE TABLE users (
  id               serial PRIMARY KEY,
  email            text NOT NULL UNIQUE CHECK (email = lower(email)),
  name             text NOT NULL,
  body_id          integer REFERENCES bodies(id),
  role             text NOT NULL CHECK (role IN ('viewer', 'editor', 'administrator')),
  site_admin       boolean NOT NULL DEFAULT false,
  password_hash    text,
  failed_sign_ins  integer NOT NULL DEFAULT 0,
  locked_until     timestamptz,
  disabled         boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (site_admin OR body_id IS NOT NULL)
);
CREATE INDEX users_body ON users (body_id);

CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_links (
  token_hash  text PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose     text NOT NULL CHECK (purpose IN ('reset', 'invitation')),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);

CREATE TABLE api_tokens (
  id            serial PRIMARY KEY,
  user_id       integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  scopes        text[] NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_events (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  user_id         integer REFERENCES users(id) ON DELETE SET NULL,
  actor           text NOT NULL,
  action          text NOT NULL,
  record_type     text NOT NULL,
  record_key      text NOT NULL,
  record_name     text NOT NULL,
  -- Who may read the event: members of the partnership, or administrators of the body.
  partnership_id  integer,
  body_id         integer,
  before          jsonb,
  after           jsonb
);
CREATE INDEX audit_events_record ON audit_events (record_type, record_key, at);
CREATE INDEX audit_events_partnership ON audit_events (partnership_id, at);

ALTER TABLE savings_claims ADD COLUMN confidential boolean NOT NULL DEFAULT false;
ALTER TABLE projects ADD COLUMN draft boolean NOT NULL DEFAULT false;

CREATE TABLE partnership_notes (
  id              serial PRIMARY KEY,
  partnership_id  integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  user_id         integer REFERENCES users(id) ON DELETE SET NULL,
  author          text NOT NULL,
  text            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partnership_notes_partnership ON partnership_notes (partnership_id, created_at);
`;
