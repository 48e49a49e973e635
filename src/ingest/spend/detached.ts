/**
 * A copy of a text cut from a chunk of the file, for keeping. V8 makes a substring of 13 characters
 * or more a view into the string it was cut from, so a value kept in a table would keep its whole
 * megabyte chunk alive; kept for a file's length, such views held some 65 MB for a million rows.
 * Joining it to another string and cutting that off makes a string of its own (`slice` then views
 * only the short joined string).
 */
export function detached(text: string): string {
  return ` ${text}`.slice(1);
}
