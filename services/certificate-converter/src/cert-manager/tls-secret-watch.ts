import {
  CoreV1Api,
  ListWatch,
  Watch,
  type KubeConfig,
  type V1Secret,
  type V1SecretList,
} from '@kubernetes/client-node';
import { silentLogger, type Logger } from '@akv-replicator/core';
import type { TlsSecret } from './push-tls-secret';

/** The Secret type cert-manager writes; the only one the watch asks the API server for. */
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';
/** First delay before re-establishing a failed list or watch; doubles up to the maximum. */
export const DEFAULT_WATCH_RESTART_MS = 1000;
export const MAX_WATCH_RESTART_MS = 30_000;

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

/** ListWatch sends no `allowWatchBookmarks`; ask for them so a quiet watch still advances. */
class BookmarkWatch extends Watch {
  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(path, { ...queryParams, allowWatchBookmarks: true }, callback, done);
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

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: TlsSecretWatchOptions,
  ) {
    this.log = options.logger ?? silentLogger;
  }

  /** Lists every watched namespace and opens the watches; resolves once the lists are in. */
  async start(): Promise<void> {
    const api = this.kubeConfig.makeApiClient(CoreV1Api);
    const watch = new BookmarkWatch(this.kubeConfig);
    const fieldSelector = `type=${TLS_SECRET_TYPE}`;
    const scopes = this.options.namespaces.length > 0 ? this.options.namespaces : [undefined];
    for (const namespace of scopes) {
      const path = namespace ? `/api/v1/namespaces/${namespace}/secrets` : '/api/v1/secrets';
      const list = (): Promise<V1SecretList> =>
        namespace
          ? api.listNamespacedSecret({ namespace, fieldSelector })
          : api.listSecretForAllNamespaces({ fieldSelector });
      const informer = new ListWatch<V1Secret>(path, watch, list, false, undefined, fieldSelector);
      const report = (type: TlsSecretChange['type']) => (object: V1Secret) => {
        const secret = this.tlsSecretOf(object);
        if (secret) this.options.onChange({ type, secret });
      };
      informer.on('add', report('upsert'));
      informer.on('update', report('upsert'));
      informer.on('delete', report('delete'));
      let failures = 0;
      informer.on('error', (error: unknown) => {
        if (this.stopped) return;
        const base = this.options.restartDelayMs ?? DEFAULT_WATCH_RESTART_MS;
        const delay = Math.min(base * 2 ** failures++, MAX_WATCH_RESTART_MS);
        this.log.warn('Kubernetes Secret watch failed; re-establishing it', {
          scope: namespace ?? '(all namespaces)',
          reason: describe(error),
          delayMs: delay,
          resourceVersion: informer.latestResourceVersion(),
        });
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (this.stopped) return;
          const before = failures;
          // A start that raised no new error is a recovery: the next failure backs off from 1 s.
          void informer.start().then(() => {
            if (failures === before) failures = 0;
          });
        }, delay);
        this.timers.add(timer);
      });
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
