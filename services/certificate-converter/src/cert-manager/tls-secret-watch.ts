import {
  CoreV1Api,
  ListWatch,
  Watch,
  type KubeConfig,
  type V1Secret,
  type V1SecretList,
} from '@kubernetes/client-node';
import {
  WATCH_RESTART_RETRY,
  exponentialBackoff,
  retryDelayMs,
  silentLogger,
  type Logger,
  type RetryPolicy,
} from '@akv-replicator/core';
import type { TlsSecret } from './push-tls-secret';

/** The Secret type cert-manager writes; the only one the watch asks the API server for. */
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/**
 * Delays before re-establishing a failed list or watch: core's WATCH_RESTART_RETRY (1 s doubling
 * to 30 s), or the same doubling from a caller's first delay (tests use short ones).
 */
function restartPolicy(initialDelayMs: number | undefined): RetryPolicy {
  if (initialDelayMs === undefined) return WATCH_RESTART_RETRY;
  const { schedule } = WATCH_RESTART_RETRY;
  const maxDelayMs = schedule.kind === 'exponential' ? schedule.maxDelayMs : initialDelayMs;
  return exponentialBackoff({
    name: WATCH_RESTART_RETRY.name,
    initialDelayMs: Math.min(initialDelayMs, maxDelayMs),
    maxDelayMs,
  });
}

export type TlsSecretChange =
  | { readonly type: 'upsert'; readonly secret: TlsSecret }
  | { readonly type: 'delete'; readonly secret: TlsSecret };

export interface TlsSecretWatchOptions {
  /** Namespaces to watch; empty: all namespaces (one cluster-wide watch). */
  readonly namespaces: readonly string[];
  /** Only Secrets carrying this annotation are reported. */
  readonly annotation: string;
  readonly onChange: (change: TlsSecretChange) => void;
  readonly logger?: Logger;
  readonly restartDelayMs?: number;
}

/**
 * What the informer cache keeps of a Secret: never its managedFields, and its data (the private
 * key) only when it carries the annotation — a cluster-wide watch sees every TLS Secret, and
 * only annotated ones are ever imported.
 */
export function trimForCache(secret: V1Secret, annotation: string): V1Secret {
  if (secret.metadata) delete secret.metadata.managedFields;
  if (!(annotation in (secret.metadata?.annotations ?? {}))) delete secret.data;
  return secret;
}

/**
 * ListWatch sends no `allowWatchBookmarks`; ask for them so a quiet watch still advances. Events
 * are trimmed before the informer caches them.
 */
class BookmarkWatch extends Watch {
  constructor(
    kubeConfig: KubeConfig,
    private readonly annotation: string,
  ) {
    super(kubeConfig);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(
      path,
      { ...queryParams, allowWatchBookmarks: true },
      (phase, apiObj, watchObj) =>
        callback(
          phase,
          phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED'
            ? trimForCache(apiObj as V1Secret, this.annotation)
            : apiObj,
          watchObj,
        ),
      done,
    );
  }
}

/**
 * Lists and watches `kubernetes.io/tls` Secrets with `@kubernetes/client-node`'s ListWatch
 * (the Informer): a watch that ends resumes from the last resourceVersion (advanced by
 * BOOKMARK events too), a 410 Gone re-lists and reports what changed meanwhile (deletions
 * included), and a watch that fails is re-established with backoff, again from its
 * resourceVersion. Changes to Secrets without the annotation are not reported.
 */
export class TlsSecretWatch {
  private readonly informers: ListWatch<V1Secret>[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly log: Logger;
  private readonly restartPolicy: RetryPolicy;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: TlsSecretWatchOptions,
  ) {
    this.log = options.logger ?? silentLogger;
    this.restartPolicy = restartPolicy(options.restartDelayMs);
  }

  /** Lists every watched namespace and opens the watches; resolves once the lists are in. */
  async start(): Promise<void> {
    const api = this.kubeConfig.makeApiClient(CoreV1Api);
    const watch = new BookmarkWatch(this.kubeConfig, this.options.annotation);
    const trimList = (list: V1SecretList): V1SecretList => {
      for (const item of list.items) trimForCache(item, this.options.annotation);
      return list;
    };
    const fieldSelector = `type=${TLS_SECRET_TYPE}`;
    const scopes = this.options.namespaces.length > 0 ? this.options.namespaces : [undefined];
    for (const namespace of scopes) {
      const path = namespace ? `/api/v1/namespaces/${namespace}/secrets` : '/api/v1/secrets';
      const list = async (): Promise<V1SecretList> =>
        trimList(
          await (namespace
            ? api.listNamespacedSecret({ namespace, fieldSelector })
            : api.listSecretForAllNamespaces({ fieldSelector })),
        );
      const informer = new ListWatch<V1Secret>(path, watch, list, false, undefined, fieldSelector);
      const report = (type: TlsSecretChange['type']) => (object: V1Secret) => {
        const secret = this.tlsSecretOf(object);
        if (secret) this.options.onChange({ type, secret });
      };
      informer.on('add', report('upsert'));
      informer.on('update', report('upsert'));
      informer.on('delete', report('delete'));
      let failures = 0;
      let restartPending = false;
      const restart = (error: unknown) => {
        // A failed restart may both reject and emit 'error': schedule one restart, not two.
        if (this.stopped || restartPending) return;
        restartPending = true;
        const delay = retryDelayMs(this.restartPolicy, ++failures);
        this.log.warn('Kubernetes Secret watch failed; re-establishing it', {
          scope: namespace ?? '(all namespaces)',
          reason: describe(error),
          delayMs: delay,
          resourceVersion: informer.latestResourceVersion(),
        });
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          restartPending = false;
          if (this.stopped) return;
          const before = failures;
          // A start that raised no new error is a recovery: the next failure backs off from 1 s.
          // A start that rejects (credentials, an unreachable server) is retried the same way.
          informer.start().then(() => {
            if (failures === before) failures = 0;
          }, restart);
        }, delay);
        this.timers.add(timer);
      };
      informer.on('error', restart);
      this.informers.push(informer);
      await informer.start();
    }
  }

  /** Every annotated TLS Secret the watch currently knows (used when leadership begins). */
  current(): TlsSecret[] {
    return this.informers.flatMap((informer) =>
      informer.list().flatMap((object) => this.tlsSecretOf(object) ?? []),
    );
  }

  /** The Secret's latest known state, when it exists and carries the annotation. */
  get(namespace: string, name: string): TlsSecret | undefined {
    for (const informer of this.informers) {
      const object = informer.get(name, namespace);
      if (object) return this.tlsSecretOf(object);
    }
    return undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.informers.map((informer) => informer.stop()));
  }

  private tlsSecretOf(object: V1Secret): TlsSecret | undefined {
    const annotations = object.metadata?.annotations ?? {};
    if (object.type !== TLS_SECRET_TYPE || !(this.options.annotation in annotations))
      return undefined;
    return {
      namespace: object.metadata?.namespace ?? '',
      name: object.metadata?.name ?? '',
      annotations,
      data: object.data ?? {},
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown; statusCode?: unknown }).statusCode;
    return code ? `${error.message} (HTTP ${String(code)})` : error.message;
  }
  return String(error);
}
