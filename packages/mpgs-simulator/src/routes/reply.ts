import type { FastifyReply } from 'fastify';

/** Sends an already serialised MPGS JSON body. */
export function sendMpgsJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('application/json;charset=UTF-8').send(body);
}
