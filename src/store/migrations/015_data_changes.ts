/**
 * Every committed change to the data is announced on one channel, so that a server keeping pages
 * until the data changes hears of changes made by any process (a command-line import into the same
 * PostgreSQL database, a second server). A notification is sent only when its transaction commits,
 * and once per transaction however many statements fire it. migrate() attaches the trigger to every
 * table, including those later migrations add.
 */
export default `
CREATE FUNCTION announce_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pathfinder_data_changed', '');
  RETURN NULL;
END $$;
`;
