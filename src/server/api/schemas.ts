import { z } from 'zod';

/** What every refusal carries: the reason, the file if one was sent, and each problem by field (and row). */
export const errorAnswer = z
  .object({
    error: z.string(),
    file: z.string().optional(),
    problems: z
      .array(z.object({ field: z.string(), message: z.string(), row: z.number().int().optional() }))
      .optional(),
  })
  .meta({ id: 'Error' });

/** A JSON answer described in words: the records' own fields are listed where each record is defined. */
export const answer = (description: string, schema: z.ZodType = z.unknown()) => ({
  description,
  content: { 'application/json': { schema } },
});
const refusal = (description: string) => answer(description, errorAnswer);

export const refused = {
  invalid: refusal('The input has errors; each problem names its field'),
  notFound: refusal('Not found, or private to members of the partnership it belongs to'),
  conflict: refusal('Clashes with a stored record'),
  forbidden: refusal('Your token may not do this, or there is none'),
  unauthorised: refusal('The API token sent is not valid: it may have been revoked'),
  unreadable: refusal('The body could not be read: not JSON, or not the content type the route takes'),
};
export const noContent = (description: string) => z.null().describe(description);

/** The answers of a route that writes a record, by what it does: what it gives back, and why it may refuse. */
export const recordAnswers = {
  created: { 201: answer('Created'), 409: refused.conflict, 422: refused.invalid },
  replaced: { 200: answer('Replaced'), 404: refused.notFound, 409: refused.conflict, 422: refused.invalid },
  updated: { 200: answer('Updated'), 404: refused.notFound, 422: refused.invalid },
  deleted: { 204: noContent('Deleted'), 404: refused.notFound, 409: refused.conflict },
};

const code = z.string().max(12).describe('The body’s code, e.g. E08000005');
const slug = z.string().max(80).describe('The partnership’s short name, e.g. agma-cooperation');
export const byCode = z.object({ code });
export const bySlug = z.object({ slug });
export const memberPath = z.object({ slug, code });
export const numbered = <S extends z.ZodType>(id: S, description: string) =>
  z.object({ id: id.describe(description) });

/** A PATCH body: any fields of the named input, checked together with the record's current values. */
export const someFieldsOf = (input: string) =>
  z.record(z.string(), z.unknown()).describe(`Any fields of ${input}; the rest keep their values`);
