/** A table as exported: a short name for file names, a title for sheets, a header and plain rows. */
export interface Table {
  name: string;
  title: string;
  header: string[];
  rows: (string | number)[][];
}
