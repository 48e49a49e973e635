/**
 * The weekly news summary: items tied to the bodies and partnerships they mention, editions made
 * of them, subscribers (double opt-in) and the queue of e-mails, one row per edition and
 * subscriber so that nobody is ever sent the same edition twice.
 */
export default `
CREATE TABLE news_items (
  id            serial PRIMARY KEY,
  headline      text NOT NULL,
  source        text NOT NULL,
  url           text NOT NULL CHECK (url ~ '^https?://'),
  published_on  date NOT NULL,
  summary       text NOT NULL,
  section       text NOT NULL,
  services      text[] NOT NULL DEFAULT '{}',
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX news_items_published ON news_items (published_on DESC, id DESC);

CREATE TABLE news_item_bodies (
  item_id  integer NOT NULL REFERENCES news_items(id) ON DELETE CASCADE,
  body_id  integer NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  PRIMARY KEY (item_id, body_id)
);
CREATE INDEX news_item_bodies_body ON news_item_bodies (body_id);

CREATE TABLE news_item_partnerships (
  item_id         integer NOT NULL REFERENCES news_items(id) ON DELETE CASCADE,
  partnership_id  integer NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  PRIMARY KEY (item_id, partnership_id)
);
CREATE INDEX news_item_partnerships_partnership ON news_item_partnerships (partnership_id);

CREATE TABLE editions (
  id            serial PRIMARY KEY,
  week_of       date NOT NULL UNIQUE,
  introduction  text NOT NULL,
  published_at  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE edition_items (
  edition_id  integer NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
  item_id     integer NOT NULL REFERENCES news_items(id) ON DELETE CASCADE,
  position    integer NOT NULL,
  PRIMARY KEY (edition_id, item_id)
);

CREATE TABLE subscribers (
  id                 serial PRIMARY KEY,
  email              text NOT NULL UNIQUE CHECK (email = lower(email)),
  status             text NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
  confirm_hash       text UNIQUE,
  confirm_sent_at    timestamptz,
  -- Kept as sent: every e-mail carries it, and it can do nothing but unsubscribe.
  unsubscribe_token  text NOT NULL UNIQUE,
  created_at         timestamptz NOT NULL DEFAULT now(),
  confirmed_at       timestamptz,
  unsubscribed_at    timestamptz
);

CREATE TABLE deliveries (
  edition_id     integer NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
  subscriber_id  integer NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  status         text NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'uncertain')),
  attempts       integer NOT NULL DEFAULT 0,
  last_error     text,
  sent_at        timestamptz,
  PRIMARY KEY (edition_id, subscriber_id)
);
CREATE INDEX deliveries_waiting ON deliveries (status) WHERE status IN ('queued', 'failed');
`;
