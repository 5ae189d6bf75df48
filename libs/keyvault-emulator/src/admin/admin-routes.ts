import type { FastifyRequest } from 'fastify';
import { errors } from '../errors';
import type { EventGridHub } from '../eventgrid/event-grid-hub';
import type { WebhookSubscriptionOptions } from '../eventgrid/subscription-options';
import type { FaultInjector } from '../faults/fault-injector';
import type { HttpRoute } from '../http/https-app';
import type { OfflineMode } from '../http/listening-server';
import type { ThrottlingOptions } from '../throttling/throttle';

/** What the admin endpoint drives. */
export interface AdminTarget {
  readonly faults: FaultInjector;
  readonly eventGrid: EventGridHub;
  checkExpiry(): number;
  setThrottling(options: ThrottlingOptions, scope?: { vault?: string }): void;
}

type Body = Record<string, unknown>;
const bodyOf = (request: FastifyRequest): Body =>
  request.body && typeof request.body === 'object' ? (request.body as Body) : {};
const param = (request: FastifyRequest, name: string): string =>
  (request.params as Record<string, string>)[name]!;
const scopeOf = (body: Body): { vault?: string } =>
  typeof body['vault'] === 'string' ? { vault: body['vault'] } : {};
const modeOf = (body: Body): OfflineMode => (body['mode'] === 'reset' ? 'reset' : 'refuse');

function num(body: Body, key: string): number {
  const value = body[key];
  if (typeof value !== 'number') throw errors.badParameter(`${key} must be a number`);
  return value;
}

/** Wraps RangeErrors from option validation into 400s. */
async function guarded(run: () => unknown): Promise<{ status: number; body?: unknown }> {
  try {
    const result = await run();
    return { status: 200, body: result ?? { ok: true } };
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError)
      throw errors.badParameter(error.message);
    throw error;
  }
}

/**
 * The HTTPS admin endpoint on the ARM origin (`/admin/...`): the programmatic fault and
 * Event Grid API for processes that only have a URL (e.g. the CLI-started emulator).
 */
export function adminRoutes(target: AdminTarget): HttpRoute[] {
  const route = (
    method: HttpRoute['method'],
    path: string,
    run: (request: FastifyRequest) => unknown,
  ): HttpRoute => ({
    method,
    path: `/admin${path}`,
    tag: 'admin',
    handle: (request) => guarded(() => run(request)),
  });
  const { faults, eventGrid } = target;
  return [
    route('GET', '/faults', () => faults.state()),
    route('POST', '/faults/latency', (r) =>
      faults.setLatency(num(bodyOf(r), 'ms'), scopeOf(bodyOf(r))),
    ),
    route('POST', '/faults/error-rate', (r) => {
      const body = bodyOf(r);
      const status = body['status'] === 503 || body['status'] === 403 ? body['status'] : 500;
      faults.setErrorRate({ rate: num(body, 'rate'), status, ...scopeOf(body) });
    }),
    route('POST', '/faults/drop-rate', (r) =>
      faults.setDropRate(num(bodyOf(r), 'rate'), scopeOf(bodyOf(r))),
    ),
    route('POST', '/faults/vaults/:name/offline', (r) =>
      faults.takeVaultOffline(param(r, 'name'), modeOf(bodyOf(r))),
    ),
    route('POST', '/faults/vaults/:name/online', (r) => faults.bringVaultOnline(param(r, 'name'))),
    route('POST', '/faults/regions/:region/offline', (r) =>
      faults.takeRegionOffline(param(r, 'region'), modeOf(bodyOf(r))),
    ),
    route('POST', '/faults/regions/:region/online', (r) =>
      faults.bringRegionOnline(param(r, 'region')),
    ),
    route('POST', '/faults/reset', () => faults.reset()),
    route('POST', '/eventgrid/subscriptions', (r) =>
      eventGrid.subscribe(bodyOf(r) as unknown as WebhookSubscriptionOptions),
    ),
    route('DELETE', '/eventgrid/subscriptions/:name', (r) => ({
      removed: eventGrid.unsubscribe(param(r, 'name')),
    })),
    route('GET', '/eventgrid/attempts', () => eventGrid.attempts()),
    route('POST', '/throttling', (r) => {
      const { vault, ...options } = bodyOf(r);
      target.setThrottling(
        options as ThrottlingOptions,
        typeof vault === 'string' ? { vault } : {},
      );
    }),
    route('POST', '/expiry-check', () => ({ published: target.checkExpiry() })),
  ];
}
