import type { FastifyRequest } from 'fastify';
import { bearerTokenOf, type TokenPolicy } from './auth/token-check';
import { apiVersionGuard, vaultAuthGuard } from './auth/vault-auth-guard';
import type { Clock } from './clock';
import { faultGuard } from './faults/fault-guard';
import type { FaultInjector } from './faults/fault-injector';
import { createHttpsApp, type HttpRoute, type RequestGuard } from './http/https-app';
import { ListeningServer, type ListenAddress } from './http/listening-server';
import type { VaultOperation } from './http/operation';
import type { RbacAuthorizer } from './rbac/rbac-authorizer';
import type { VaultStore } from './storage/vault-store';
import type { Throttle } from './throttling/throttle';
import type { ServerTlsMaterial } from './tls/certificate-authority';
import type { VaultContext, VaultEventSink, VaultIdentity } from './vault-context';

/** Shared services every vault endpoint uses. */
export interface VaultEndpointDeps {
  readonly tls: ServerTlsMaterial;
  readonly tokenPolicy: TokenPolicy;
  readonly throttle: Throttle;
  readonly faults: FaultInjector;
  readonly clock: Clock;
  readonly events: VaultEventSink;
  readonly operations: readonly VaultOperation[];
  readonly recoverableDays: number;
  /** Azure RBAC of vaults that enforce it (`enableRbacAuthorization`). */
  readonly rbac: RbacAuthorizer;
  /** How long delete / recover / purge stay in transition (see `AsyncLifecycleFamily`). */
  readonly lifecycleDelayMs: number;
  /** Listen address and the host name in this vault's URLs. */
  readonly listen?: ListenAddress;
}

/** `/secrets/NAME` (or certificates, keys) for an operation on one object; '' for the vault. */
function objectPathOf(dataAction: string, name: string | undefined): string {
  const collection = dataAction.split('/')[0];
  return name ? `/${collection}/${name}` : '';
}

/** One vault's data plane: its own HTTPS origin, store and guards. */
export class VaultEndpoint {
  readonly identity: VaultIdentity;
  readonly store: VaultStore;
  readonly #server: ListeningServer;
  readonly #context: { -readonly [K in keyof VaultContext]: VaultContext[K] };

  constructor(identity: VaultIdentity, store: VaultStore, deps: VaultEndpointDeps) {
    this.identity = identity;
    this.store = store;
    this.#context = {
      ...identity,
      origin: '',
      store,
      clock: deps.clock,
      events: deps.events,
      recoverableDays: deps.recoverableDays,
    };
    const context = this.#context;
    const throttleGuard: RequestGuard = (_request, tag) => {
      deps.throttle.admit(identity.name, tag === 'secretCreate', {
        subscriptionId: identity.subscriptionId,
        region: identity.region,
      });
      return 'continue';
    };
    const guards = [
      faultGuard(identity.name, deps.faults),
      vaultAuthGuard(identity, deps.tokenPolicy),
      apiVersionGuard,
      throttleGuard,
    ];
    const routes: HttpRoute[] = deps.operations.map((operation) => ({
      method: operation.method,
      path: operation.path,
      tag: operation.throttleClass ?? 'other',
      handle: async (request: FastifyRequest) => {
        const params = request.params as Record<string, string | undefined>;
        deps.rbac.check(
          identity,
          bearerTokenOf(request.headers.authorization) ?? '',
          operation.dataAction,
          objectPathOf(operation.dataAction, params['name']),
        );
        return operation.handle(context, {
          params,
          query: request.query as Record<string, string | undefined>,
          body: request.body,
        });
      },
    }));
    this.#server = new ListeningServer(
      createHttpsApp({ tls: deps.tls, routes, guards }),
      deps.listen,
    );
  }

  /** `https://PUBLIC_HOST:PORT` once started. */
  get origin(): string {
    return this.#context.origin;
  }

  get context(): VaultContext {
    return this.#context;
  }

  get server(): ListeningServer {
    return this.#server;
  }

  async start(port = 0): Promise<void> {
    await this.#server.start(port);
    this.#context.origin = this.#server.origin;
  }

  async stop(): Promise<void> {
    await this.#server.stop();
  }
}
