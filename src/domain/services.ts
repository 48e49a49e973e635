/**
 * Services a partnership can cover. The list follows the service blocks councils report
 * in their revenue accounts, split where partnerships in the news split them
 * (trading standards, environmental health and licensing are shared separately).
 * Codes are stable; labels are what people read.
 */
export const SERVICES = {
  education: 'Education',
  social_care_adults: 'Adult social care',
  social_care_children: 'Children’s social care',
  public_health: 'Public health',
  housing: 'Housing',
  benefits: 'Benefits and revenues',
  payroll: 'Payroll',
  finance: 'Finance',
  hr: 'Human resources',
  recruitment: 'Recruitment',
  it: 'IT',
  legal: 'Legal',
  audit: 'Audit',
  procurement: 'Procurement',
  property: 'Property and construction',
  trading_standards: 'Trading standards',
  environmental_health: 'Environmental health',
  licensing: 'Licensing',
  waste: 'Waste and recycling',
  fleet: 'Fleet management',
  parks: 'Parks and open spaces',
  highways: 'Highways and transport',
  planning: 'Planning',
  economic_development: 'Economic development',
  libraries: 'Libraries and culture',
  community_safety: 'Community safety',
  emergency_services: 'Emergency services',
  customer_services: 'Customer services',
  management: 'Senior management',
  other: 'Other',
} as const;
export type Service = keyof typeof SERVICES;
