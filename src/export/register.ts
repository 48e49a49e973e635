import { poundsDecimal } from '../domain/money.js';
import { savingsTotals } from '../domain/partnerships.js';
import type { RegisterDocument } from '../domain/register.js';
import { toCsv } from './csv.js';

/** The register as a spreadsheet: one row a partnership, or one row a project. */
export function registerCsv(doc: RegisterDocument, table: 'partnerships' | 'projects'): string {
  if (table === 'projects') {
    return toCsv(
      ['partnership', 'project', 'service', 'lead_body_code', 'stage', 'description'],
      doc.partnerships.flatMap((p) =>
        p.projects.map((j) => [p.slug, j.name, j.service, j.leadBodyCode ?? '', j.stage, j.description]),
      ),
    );
  }
  return toCsv(
    [
      'slug',
      'name',
      'kind',
      'status',
      'start_date',
      'end_date',
      'members',
      'services',
      'funding_awarded_pounds',
      'savings_claimed_pounds',
      'savings_verified_pounds',
      'projects',
      'description',
    ],
    doc.partnerships.map((p) => {
      const savings = savingsTotals(p.savingsClaims);
      return [
        p.slug,
        p.name,
        p.kind,
        p.status,
        p.startDate ?? '',
        p.endDate ?? '',
        p.members.map((m) => `${m.bodyCode}:${m.role}`).join('; '),
        p.services.join('; '),
        poundsDecimal(p.fundingAwards.reduce((sum, f) => sum + f.amountPence, 0)),
        poundsDecimal(savings.claimed),
        poundsDecimal(savings.verified),
        p.projects.length,
        p.description,
      ];
    }),
  );
}
