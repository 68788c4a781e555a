import type { FastifyReply } from 'fastify';

/** respond.io's error body: always `{ code, message }`, code = the HTTP status. */
export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ code: status, message });
}

export const messages = {
  unauthorized: 'Unauthorized: the access token is missing or invalid',
  tooManyRequests: 'Too many requests: this request exceeds the number of requests allowed. Slow down and try again.',
  contactNotFound: 'Contact not found',
  messageNotFound: 'Message not found',
  creating: "Your request cannot be processed at the moment as it's in the queue. Please try again in a few minutes",
} as const;
