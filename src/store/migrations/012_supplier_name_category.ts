/**
 * The category a supplier's name alone suggests ("SCC Specialist Computer Centres": ICT), decided by
 * the documented rules at each supplier resolution: the last resort for spend whose labels say
 * nothing and whose supplier has no usual category at the body. Suppliers held before this
 * migration are given one at the next resolution.
 */
export default `
ALTER TABLE suppliers ADD COLUMN category_by_name text;
`;
