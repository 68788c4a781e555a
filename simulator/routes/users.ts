import type { FastifyPluginAsync } from 'fastify';
import { paginate, pageUrl, readPageQuery } from '../pagination.js';
import { sendError } from '../reply.js';
import type { RoutesOptions } from './context.js';

/** GET /space/user: the workspace's users, newest first, paginated like every respond.io list. */
export const userRoutes: FastifyPluginAsync<RoutesOptions> = async (app, { data }) => {
  app.get('/space/user', async (request, reply) => {
    const page = readPageQuery(request.query);
    if (!page.ok) return sendError(reply, 400, page.message);
    const result = paginate([...data.users].reverse(), (user) => user.id, page.limit, page.cursorId);
    // The third end-of-list form: this list leaves `next` out on its last page (the n8n node types it optional).
    const pagination: { next?: string; previous?: string } = {};
    if (result.next !== undefined) pagination.next = pageUrl(request, page.limit, result.next);
    if (result.previous !== undefined) pagination.previous = pageUrl(request, page.limit, result.previous);
    return { items: result.items, pagination };
  });
};
