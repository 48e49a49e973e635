import { RECORD_TYPES } from '../../domain/audit.js';
import { SECTIONS } from '../../domain/news.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { bodyInput } from '../../domain/bodies.js';
import { businessCaseInput } from '../../domain/business-case.js';
import { memberInput, partnershipInput, projectInput } from '../../domain/partnerships.js';
import { registerDocument } from '../../domain/register.js';
import { SPEND_FIELDS } from '../../domain/spend.js';
import { opportunityFields } from '../../services/opportunities.js';
import {
  bodyQuery,
  categoryChoice,
  categoryQuery,
  partnershipQuery,
  projectQuery,
  supplierDecision,
  supplierMerge,
  supplierQuery,
  supplierSplit,
} from '../../domain/queries.js';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (s: object) => ({ content: { 'application/json': { schema: s } } });
const problem = { description: 'The input has errors; each problem names its field', ...json(ref('Error')) };
const notFound = { description: 'Not found', ...json(ref('Error')) };
const conflict = { description: 'Clashes with a stored record', ...json(ref('Error')) };
const forbidden = { description: 'Your token may not do this, or there is none', ...json(ref('Error')) };

/** Query parameters from the same schema that checks them. */
function parameters(query: z.ZodObject) {
  return Object.keys(query.shape).map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: { type: 'string' },
  }));
}
const path = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const code = path('code', 'The body’s code, e.g. E08000005');
const slug = path('slug', 'The partnership’s short name, e.g. agma-cooperation');
const id = path('id', 'The project number');
const supplierPath = path('id', 'The supplier number');

function crud(tag: string, input: string, params: object[]) {
  return {
    get: { tags: [tag], parameters: params, responses: { 200: { description: 'Found' }, 404: notFound } },
    put: {
      tags: [tag],
      parameters: params,
      requestBody: json(ref(input)),
      responses: { 200: { description: 'Replaced' }, 404: notFound, 409: conflict, 422: problem },
    },
    patch: {
      tags: [tag],
      parameters: params,
      requestBody: json({ type: 'object', description: `Any fields of ${input}` }),
      responses: { 200: { description: 'Updated' }, 404: notFound, 422: problem },
    },
    delete: {
      tags: [tag],
      parameters: params,
      responses: { 204: { description: 'Deleted' }, 404: notFound, 409: conflict },
    },
  };
}

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pathfinder API',
      version: '1',
      description: [
        'Public bodies and the partnerships between them. Money is in whole pence; dates are ISO 8601.',
        'Reading public records needs no sign-in. A partnership’s private records (business cases, draft',
        'projects, confidential savings) and every change need an API token, made on your account page and',
        'sent as `Authorization: Bearer pf_…`; it acts with its scopes (read, write) and never beyond its',
        'user’s rights. A refusal is 403, or 404 where the record is private.',
      ].join(' '),
    },
    servers: [{ url: '/' }],
    security: [{}, { token: [] }],
    paths: {
      '/api/v1/openapi.json': {
        get: { tags: ['API'], responses: { 200: { description: 'This document' } } },
      },
      '/api/v1/news': {
        get: {
          tags: ['News'],
          parameters: [
            { name: 'section', in: 'query', schema: { enum: Object.keys(SECTIONS) } },
            {
              name: 'body',
              in: 'query',
              schema: { type: 'string' },
              description: 'Items about this body (its code)',
            },
            {
              name: 'partnership',
              in: 'query',
              schema: { type: 'string' },
              description: 'Items about this partnership',
            },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          ],
          responses: {
            200: { description: 'News items, newest first, with the bodies and partnerships they mention' },
          },
        },
      },
      '/api/v1/me': {
        get: {
          tags: ['API'],
          security: [{ token: [] }],
          responses: {
            200: { description: 'The account the token belongs to, its body, role and scopes' },
            401: { description: 'The token is not valid or has been revoked', ...json(ref('Error')) },
            403: forbidden,
          },
        },
      },
      '/api/v1/audit': {
        get: {
          tags: ['API'],
          security: [{ token: [] }],
          parameters: [
            { name: 'recordType', in: 'query', schema: { enum: Object.keys(RECORD_TYPES) } },
            { name: 'recordKey', in: 'query', schema: { type: 'string' } },
            { name: 'partnership', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000 } },
          ],
          responses: {
            200: {
              description: 'Changes you may read, newest first: who, when, what, the record before and after',
            },
            403: forbidden,
          },
        },
      },
      '/api/v1/bodies': {
        get: {
          tags: ['Bodies'],
          parameters: parameters(bodyQuery),
          responses: { 200: { description: 'A page of bodies' }, 422: problem },
        },
        post: {
          tags: ['Bodies'],
          requestBody: json(ref('BodyInput')),
          responses: { 201: { description: 'Created' }, 409: conflict, 422: problem },
        },
      },
      '/api/v1/bodies/{code}': crud('Bodies', 'BodyInput', [code]),
      '/api/v1/partnerships': {
        get: {
          tags: ['Partnerships'],
          parameters: parameters(partnershipQuery),
          responses: { 200: { description: 'A page of partnerships' }, 422: problem },
        },
        post: {
          tags: ['Partnerships'],
          requestBody: json(ref('PartnershipInput')),
          responses: { 201: { description: 'Created' }, 409: conflict, 422: problem },
        },
      },
      '/api/v1/partnerships/{slug}': crud('Partnerships', 'PartnershipInput', [slug]),
      '/api/v1/partnerships/{slug}/members/{code}': {
        put: {
          tags: ['Partnerships'],
          parameters: [slug, code],
          requestBody: json({ type: 'object', properties: { role: schema(memberInput.shape.role) } }),
          responses: { 200: { description: 'Member added or role changed' }, 404: notFound, 422: problem },
        },
        delete: {
          tags: ['Partnerships'],
          parameters: [slug, code],
          responses: { 204: { description: 'Member removed' }, 404: notFound },
        },
      },
      '/api/v1/partnerships/{slug}/projects': {
        post: {
          tags: ['Projects'],
          parameters: [slug],
          requestBody: json(ref('ProjectInput')),
          responses: { 201: { description: 'Created' }, 404: notFound, 409: conflict, 422: problem },
        },
      },
      '/api/v1/projects': {
        get: {
          tags: ['Projects'],
          parameters: parameters(projectQuery),
          responses: { 200: { description: 'Projects' } },
        },
      },
      '/api/v1/projects/{id}': crud('Projects', 'ProjectInput', [id]),
      '/api/v1/register': {
        get: {
          tags: ['Register'],
          responses: { 200: { description: 'The whole register', ...json(ref('RegisterDocument')) } },
        },
        post: {
          tags: ['Register'],
          requestBody: json(ref('RegisterDocument')),
          responses: { 200: { description: 'Imported as one transaction' }, 422: problem },
        },
      },
      '/api/v1/bodies/{code}/spend-imports': {
        get: {
          tags: ['Spend'],
          parameters: [code],
          responses: { 200: { description: 'The body’s spend imports, newest first' }, 404: notFound },
        },
        post: {
          tags: ['Spend'],
          parameters: [code],
          requestBody: {
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['file'],
                  properties: {
                    file: {
                      type: 'string',
                      format: 'binary',
                      description: 'A published spend file (CSV or XLSX)',
                    },
                    month: {
                      type: 'string',
                      pattern: '^\\d{4}-\\d{2}$',
                      description: 'yyyy-mm, only for files without dates',
                    },
                    sheet: { type: 'string', description: 'For a workbook: the sheet to read' },
                    confirmOtherBody: {
                      type: 'string',
                      enum: ['yes'],
                      description:
                        'yes: store a file with no body column that is already held for another body (otherwise refused with 422)',
                    },
                  },
                  patternProperties: {
                    '^column\\.': {
                      type: 'string',
                      description: `column.FIELD: the heading of the column that holds FIELD, one of ${Object.keys(SPEND_FIELDS).join(', ')}; saved for the body's next files`,
                    },
                  },
                },
              },
            },
          },
          responses: {
            201: {
              description:
                'The import report: rows read, stored, already held, refused (with row, column and reason)',
            },
            404: notFound,
            422: problem,
          },
        },
      },
      '/api/v1/bodies/{code}/spend-imports/{id}': {
        delete: {
          tags: ['Spend'],
          parameters: [code, path('id', 'The import number')],
          responses: {
            200: {
              description:
                'Removed, with its payments and their part in suppliers and reports; the answer is the import as it was',
            },
            404: notFound,
          },
        },
      },
      '/api/v1/spend-imports/{id}': {
        get: {
          tags: ['Spend'],
          parameters: [path('id', 'The import number')],
          responses: { 200: { description: 'An import report' }, 404: notFound },
        },
      },
      '/api/v1/suppliers': {
        get: {
          tags: ['Suppliers'],
          parameters: parameters(supplierQuery),
          responses: { 200: { description: 'Suppliers, largest spend first: names, bodies paying, spend' } },
        },
      },
      '/api/v1/suppliers/{id}': {
        get: {
          tags: ['Suppliers'],
          parameters: [supplierPath],
          responses: {
            200: {
              description: 'Its names (with why each is there), spend by body and year, largest payments',
            },
            404: notFound,
          },
        },
      },
      '/api/v1/suppliers/{id}/merge': {
        post: {
          tags: ['Suppliers'],
          parameters: [supplierPath],
          requestBody: json(schema(supplierMerge)),
          responses: {
            200: { description: 'The merged supplier; the decision is kept through re-clustering' },
            404: notFound,
            409: {
              description: 'The two have different company, charity or VAT numbers',
              ...json(ref('Error')),
            },
          },
        },
      },
      '/api/v1/suppliers/{id}/split': {
        post: {
          tags: ['Suppliers'],
          parameters: [supplierPath],
          requestBody: json(schema(supplierSplit)),
          responses: {
            204: { description: 'The name is a supplier of its own' },
            404: notFound,
            409: conflict,
          },
        },
      },
      '/api/v1/supplier-reviews': {
        get: {
          tags: ['Suppliers'],
          responses: { 200: { description: 'Pairs of names to review, most alike first' } },
        },
        post: {
          tags: ['Suppliers'],
          requestBody: json(schema(supplierDecision)),
          responses: { 204: { description: 'Decision kept' }, 404: notFound, 409: conflict, 422: problem },
        },
      },
      '/api/v1/categories': {
        get: {
          tags: ['Categories'],
          parameters: parameters(categoryQuery),
          responses: { 200: { description: 'The taxonomy (ProClass top level) and spend by category' } },
        },
      },
      '/api/v1/categories/unmapped': {
        get: {
          tags: ['Categories'],
          parameters: parameters(categoryQuery),
          responses: { 200: { description: 'Expense types without a category, largest spend first' } },
        },
      },
      '/api/v1/categories/mappings': {
        post: {
          tags: ['Categories'],
          requestBody: json(schema(categoryChoice)),
          responses: { 204: { description: 'Mapping confirmed' }, 404: notFound, 422: problem },
        },
      },
      '/api/v1/opportunities': {
        get: {
          tags: ['Opportunities'],
          parameters: parameters(opportunityFields),
          responses: {
            200: {
              description:
                'Combined spend by body, category and year; shared suppliers; category markets (suppliers, top share, HHI); ranked opportunities with savings ranges; pairwise overlap',
            },
            404: notFound,
            422: problem,
          },
        },
      },
      '/api/v1/bodies/{code}/partners': {
        get: {
          tags: ['Opportunities'],
          parameters: [code, ...parameters(z.object({ from: z.string(), to: z.string() }))],
          responses: {
            200: {
              description:
                'Other bodies, neighbours first, by how much of their spend overlaps (weighted Jaccard)',
            },
            404: notFound,
            422: problem,
          },
        },
      },
      '/api/v1/business-cases': {
        get: {
          tags: ['Business cases'],
          parameters: [{ name: 'partnership', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { 200: { description: 'Business cases, latest first' } },
        },
        post: {
          tags: ['Business cases'],
          requestBody: json(ref('BusinessCaseInput')),
          responses: {
            201: {
              description:
                'The case with its results: cash flows per partner and in total, NPV, payback, each partner’s position, the worse-off check and fixes, sensitivity',
            },
            404: notFound,
            422: problem,
          },
        },
      },
      '/api/v1/business-cases/{id}': {
        get: {
          tags: ['Business cases'],
          parameters: [
            path('id', 'The business case number'),
            {
              name: 'sensitivity',
              in: 'query',
              required: false,
              schema: { type: 'number' },
              description: '± percent, default 20',
            },
          ],
          responses: { 200: { description: 'The case with its results' }, 404: notFound },
        },
        put: {
          tags: ['Business cases'],
          parameters: [path('id', 'The business case number')],
          requestBody: json(ref('BusinessCaseInput')),
          responses: { 200: { description: 'Replaced, with its results' }, 404: notFound, 422: problem },
        },
        delete: {
          tags: ['Business cases'],
          parameters: [path('id', 'The business case number')],
          responses: { 204: { description: 'Deleted' }, 404: notFound },
        },
      },
      '/api/v1/register.csv': {
        get: {
          tags: ['Register'],
          parameters: [{ name: 'table', in: 'query', schema: { enum: ['partnerships', 'projects'] } }],
          responses: { 200: { description: 'CSV' } },
        },
      },
    },
    components: {
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'An API token from your account page' },
      },
      schemas: {
        BodyInput: schema(bodyInput),
        PartnershipInput: schema(partnershipInput),
        ProjectInput: schema(projectInput),
        RegisterDocument: schema(registerDocument),
        BusinessCaseInput: schema(businessCaseInput),
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string' },
            problems: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  field: { type: 'string' },
                  message: { type: 'string' },
                  row: { type: 'integer' },
                },
              },
            },
          },
        },
      },
    },
  };
}

export function openApiRoute(app: FastifyInstance) {
  const document = openApiDocument();
  app.get('/api/v1/openapi.json', async () => document);
}
