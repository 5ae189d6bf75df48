import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (it can take deliveries: `ready`, e.g.
 * the bus is connected; 503 otherwise, so a load balancer sends Event Grid elsewhere).
 */
export function createHealthHandlers(ready: () => boolean = () => true) {
  return {
    async live() {
      return { status: 'ok' };
    },
    async ready(_request: FastifyRequest, reply: FastifyReply) {
      return ready() ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' });
    },
  };
}
