/**
 * Writes a realistic spend file in the LGA layout Trafford publishes: a year of payments,
 * a few thousand suppliers with a long tail, credits, redactions, ProClass labels and purposes.
 * Deterministic for a given row count, so runs compare.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const PREFIXES = [
  'North West',
  'Greater',
  'Premier',
  'United',
  'Pennine',
  'Mersey',
  'City',
  'Total',
  'Active',
  'Bright',
];
const TRADES = [
  'Care',
  'Building',
  'Cleaning',
  'IT',
  'Transport',
  'Catering',
  'Legal',
  'Consulting',
  'Supplies',
  'Energy',
];
const FORMS = ['Ltd', 'Limited', 'LTD', 'PLC', 'LLP', 'CIC', '& Co', '(UK) Ltd'];
const UNITS = [
  'Adult Social Care',
  'Childrens Services',
  'Highways',
  'Waste',
  'Schools',
  'Libraries',
  'ICT',
  'Finance',
  'Housing',
];
const PROCLASS = [
  'SOCIAL CARE : Residential',
  'CONSTRUCTION: Bld Construction',
  'FACILITIES MGT : Cleaning',
  'ICT : Software',
  'TRANSPORT : Fleet',
  'Not Classified',
];

/**
 * `bodyName` goes in every row's OrganisationLabel, as the body's own files have it. Returns the
 * file's total in pence, for checks to the penny.
 */
export async function generateSpendFile(
  path: string,
  rows: number,
  bodyName = 'Example Council',
): Promise<number> {
  let total = 0;
  let seed = 20260401;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  const suppliers = Array.from(
    { length: 5000 },
    (_, i) => `${pick(PREFIXES)} ${pick(TRADES)} ${i} ${pick(FORMS)}`,
  );
  const out = createWriteStream(path);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(
    'OrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,BeneficiaryOtherID,PaymentDate,TransactionNumber,Amount,IrrecoverableVATAmount,Purpose,ProclassLabel,ProclassCode,InvoiceNumber,ProfitCentre,VATRegistrationNumber\r\n',
  );
  for (let i = 0; i < rows; i++) {
    // A long tail: a few suppliers take most payments, as in real files.
    const s = Math.floor(suppliers.length * random() ** 3);
    const supplier = random() < 0.15 ? 'Redacted' : (suppliers[s] as string);
    const day = new Date(Date.UTC(2024, 3, 1) + Math.floor(random() * 365) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const pence = Math.floor(50_000 + random() ** 2 * 5_000_000) * (random() < 0.03 ? -1 : 1);
    total += pence;
    const amount = `${pence < 0 ? '-' : ''}${Math.trunc(Math.abs(pence) / 100)}.${String(Math.abs(pence) % 100).padStart(2, '0')}`;
    const unit = pick(UNITS);
    await write(
      `${bodyName},https://opendatacommunities.org/id/unitary-authority/example,${day},${unit},"${supplier}",${s},${day},${5_100_000_000 + i},${amount},0.00,"${unit} - payment ${i % 997}",${pick(PROCLASS)},${100_000 + (s % 90)},${60_000 + i},${250_000 + (s % 400)},GB${100_000_000 + s}\r\n`,
    );
  }
  out.end();
  await once(out, 'finish');
  return total;
}
