/**
 * Wrong passwords are counted by address, whether or not it has an account: an address with none
 * locks after five as an account does, so the answer to a guess never tells who has an account.
 */
export default `
CREATE TABLE sign_in_failures (
  email         text PRIMARY KEY CHECK (email = lower(email)),
  failures      integer NOT NULL,
  locked_until  timestamptz
);
INSERT INTO sign_in_failures (email, failures, locked_until)
  SELECT email, failed_sign_ins, locked_until FROM users WHERE failed_sign_ins > 0 OR locked_until IS NOT NULL;
ALTER TABLE users DROP COLUMN failed_sign_ins;
ALTER TABLE users DROP COLUMN locked_until;
`;
