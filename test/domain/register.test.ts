import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyInput, isCurrent, shortBodyName } from '../../src/domain/bodies.js';
import { InputError } from '../../src/domain/errors.js';
import { partnershipInput, slugify } from '../../src/domain/partnerships.js';
import { parseInput } from '../../src/domain/validation.js';

test('a body needs a real code, name, kind and nation, and names each field that is wrong', () => {
  const result = bodyInput.safeParse({
    code: 'e08 5',
    name: '',
    kind: 'parish',
    nation: 'Mercia',
    population: -1,
  });
  assert.equal(result.success, false);
  const fields = result.error?.issues.map((i) => i.path.join('.')).sort();
  assert.deepEqual(fields, ['code', 'kind', 'name', 'nation', 'population']);
});

test('codes are normalised to capitals, and a body cannot end before it starts or succeed itself', () => {
  assert.equal(
    bodyInput.parse({ code: 'e08000005', name: 'Rochdale', kind: 'metropolitan_district', nation: 'England' })
      .code,
    'E08000005',
  );
  const error = (() => {
    try {
      parseInput(
        bodyInput,
        {
          code: 'NTH',
          name: 'Northamptonshire',
          kind: 'county',
          nation: 'England',
          startDate: '2021-04-01',
          endDate: '1974-04-01',
          successorCodes: ['NTH'],
        },
        'body',
      );
    } catch (e) {
      return e as InputError;
    }
  })();
  assert.ok(error instanceof InputError);
  assert.deepEqual(error.problems.map((p) => p.field).sort(), ['endDate', 'successorCodes']);
});

test('impossible dates are refused', () => {
  const result = bodyInput.safeParse({
    code: 'ABC',
    name: 'Test body',
    kind: 'other',
    nation: 'England',
    endDate: '2019-02-30',
  });
  assert.equal(result.success, false);
});

test('a body is current until the day after its end date', () => {
  assert.equal(isCurrent({ endDate: '2019-03-31' }, '2019-03-31'), true);
  assert.equal(isCurrent({ endDate: '2019-03-31' }, '2019-04-01'), false);
  assert.equal(isCurrent({}, '2019-04-01'), true);
});

test('a partnership lists each member once and uses known services', () => {
  const fieldsWrong = (input: object) =>
    partnershipInput
      .safeParse({ name: 'Tri-Council', kind: 'joint_procurement', ...input })
      .error?.issues.map((i) => i.path.join('.'));
  assert.deepEqual(fieldsWrong({ services: ['procurement', 'astrology'] }), ['services.1']);
  assert.deepEqual(
    fieldsWrong({ members: [{ bodyCode: 'E10000028' }, { bodyCode: 'e10000028', role: 'lead' }] }),
    ['members.1.bodyCode'],
  );
});

test('a savings claim links only to web pages', () => {
  const claim = (sourceUrl: string) =>
    partnershipInput.safeParse({
      name: 'Test',
      kind: 'shared_service',
      savingsClaims: [{ amountPence: 1, period: 'a year', sourceUrl }],
    }).success;
  assert.equal(claim('https://example.org/news'), true);
  assert.equal(claim('javascript:alert(1)'), false);
});

test('short names are made from names', () => {
  assert.equal(slugify('Tri-Council partnership'), 'tri-council-partnership');
  assert.equal(slugify('Redditch & Bromsgrove: Shared Services!'), 'redditch-and-bromsgrove-shared-services');
  assert.equal(slugify('Ynys Môn'), 'ynys-mon');
});

test('a council’s short name is its place, as people say it; other bodies keep their names', () => {
  const examples: [string, string][] = [
    ['Oxford City Council', 'Oxford'],
    ['Trafford Council', 'Trafford'],
    ['Bolton Metropolitan Borough Council', 'Bolton'],
    ['City of Bradford Metropolitan District Council', 'Bradford'],
    ['London Borough of Camden', 'Camden'],
    ['Royal Borough of Greenwich Council', 'Greenwich'],
    ['Borough Council of Kings Lynn and West Norfolk', 'Borough Council of Kings Lynn and West Norfolk'],
    ['Council of the Isles of Scilly', 'Council of the Isles of Scilly'],
    ['The Highland Council', 'Highland'],
    ['St Albans City and District Council', 'St Albans'],
    ['Rhondda Cynon Taf County Borough Council', 'Rhondda Cynon Taf'],
    ['City of London Corporation', 'City of London Corporation'],
    ['Greater Manchester Combined Authority', 'Greater Manchester Combined Authority'],
    ['Greater Manchester Fire and Rescue Service', 'Greater Manchester Fire and Rescue Service'],
    ['Council', 'Council'],
  ];
  assert.deepEqual(
    examples.map(([name]) => shortBodyName(name)),
    examples.map(([, short]) => short),
  );
});
