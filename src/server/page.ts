import type { FastifyReply } from 'fastify';
import { render } from '../web/render.js';
import { pageContext } from './access.js';

/** Sends a template as an HTML page, with what every page shows (the viewer, CSRF token, notices). */
export function page(reply: FastifyReply, template: string, context: Record<string, unknown>) {
  return reply.type('text/html; charset=utf-8').send(render(template, { ...pageContext(reply), ...context }));
}
