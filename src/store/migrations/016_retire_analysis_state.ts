/**
 * The analysis version told reports kept in memory that what they read had changed. The data version
 * (migration 15's announcements, Database.dataVersion) now tells them of every change, the body
 * renamed on a partner finder included, which the analysis version missed.
 */
export default `DROP TABLE analysis_state;`;
