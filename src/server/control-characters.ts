import type { FastifyInstance } from 'fastify';
import { InputError } from '../domain/errors.js';
import { fieldWithControlCharacter } from '../domain/validation.js';

/**
 * Refuses, before any route sees it, a request whose address, query or body holds a control
 * character (a NUL in `%00` would otherwise reach the database and end in a 500), naming the field.
 */
export function refuseControlCharacters(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const field =
      fieldWithControlCharacter(request.params, 'address') ??
      fieldWithControlCharacter(request.query, 'query') ??
      fieldWithControlCharacter(request.body, 'body');
    if (field) {
      const name = field.split('.').slice(1).join('.') || field;
      throw new InputError(`The field "${name}" holds a control character, which no field may hold`, [
        { field: name, message: 'Remove the control character (such as a NUL byte) and send it again' },
      ]);
    }
  });
}
