/**
 * Where a body is: the latitude and longitude of its area's centre, as the local-authority register
 * gives them, so the partner finder can rank by distance. Bodies held before are given one when the
 * register is next imported; until then their distance is not known.
 */
export default `
ALTER TABLE bodies ADD COLUMN latitude double precision, ADD COLUMN longitude double precision;
`;
