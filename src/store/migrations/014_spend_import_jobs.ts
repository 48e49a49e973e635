/**
 * Imports of uploaded spend files, from the moment one starts: while it is queued the server holds it
 * in memory (writing here would wait behind the import running on the embedded database). A job
 * that is done names its import, written in the import's own transaction; one that failed keeps the
 * refusal as the upload form would have shown it (message, file, rows). The form's one-time
 * `submission` token makes a second press of the button find the first job.
 */
export default `
CREATE TABLE spend_import_jobs (
  id           text PRIMARY KEY,
  body_id      integer NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  file_name    text NOT NULL,
  submission   text UNIQUE,
  submitted_by text NOT NULL,
  state        text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  import_id    integer REFERENCES spend_imports(id) ON DELETE SET NULL,
  problem      jsonb,
  form         jsonb NOT NULL DEFAULT '{}',
  submitted_at timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE INDEX spend_import_jobs_body ON spend_import_jobs (body_id, submitted_at DESC);
`;
