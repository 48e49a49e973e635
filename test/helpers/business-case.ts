/** Wychavon and Malvern Hills sharing a revenues and benefits service (figures made up for tests). */
export const SHARED_REVENUES_CASE = {
  name: 'Shared revenues and benefits',
  partnership: 'wychavon-malvern-hills-shared-chief-executive',
  partners: [
    { bodyCode: 'E07000238', baselinePence: 120_000_000 },
    { bodyCode: 'E07000235', baselinePence: 80_000_000 },
  ],
  runningPence: 170_000_000,
  oneOffs: [{ year: 1, kind: 'it', amountPence: 20_000_000 }],
  phasing: [50, 100],
  inflationPercent: 0,
  horizonYears: 5,
  discountPercent: 0,
  running: { method: 'population' },
  oneOff: { method: 'equal' },
};
