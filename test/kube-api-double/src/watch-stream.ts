import type { ServerResponse } from 'node:http';
import type { ResourceStore, StoredEvent } from './resource-store';
import { expired, type KubeObject } from './status';

export interface WatchRequest {
  readonly namespace: string | undefined;
  readonly matches: (object: KubeObject) => boolean;
  /** `resourceVersion` as sent; '' or '0' start from the current state (synthetic ADDED). */
  readonly resourceVersion: string;
  readonly allowBookmarks: boolean;
  readonly timeoutSeconds: number | undefined;
  readonly kind: string;
}

/** One open watch: newline-delimited JSON events, as the API server streams them. */
export class WatchStream {
  private closed = false;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly response: ServerResponse,
    private readonly request: WatchRequest,
    private readonly store: ResourceStore,
    private readonly currentVersion: () => number,
    onClose: () => void,
  ) {
    response.on('close', () => {
      this.closed = true;
      this.unsubscribe?.();
      if (this.timer) clearTimeout(this.timer);
      onClose();
    });
  }

  start(): void {
    const { request } = this;
    this.response.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
    });
    this.response.flushHeaders();
    if (request.resourceVersion === '' || request.resourceVersion === '0') {
      for (const object of this.store.list(request.namespace))
        if (request.matches(object)) this.send('ADDED', object);
    } else {
      const from = Number(request.resourceVersion);
      const replay = Number.isInteger(from) ? this.store.eventsSince(from) : undefined;
      if (!replay) {
        // The real server answers 200 and then a single ERROR event carrying the 410 Status.
        this.send('ERROR', expired(request.resourceVersion, this.store.oldestResumable()));
        this.response.end();
        return;
      }
      for (const event of replay) this.forward(event);
    }
    this.unsubscribe = this.store.subscribe((event) => this.forward(event));
    if (request.timeoutSeconds !== undefined)
      this.timer = setTimeout(() => this.end(), request.timeoutSeconds * 1000);
  }

  /** A BOOKMARK with the current resourceVersion, only to clients that allowed them. */
  bookmark(): boolean {
    if (!this.request.allowBookmarks || this.closed) return false;
    this.send('BOOKMARK', {
      kind: this.request.kind,
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.currentVersion()) },
    });
    return true;
  }

  /** Ends the stream cleanly, as the server does when `timeoutSeconds` runs out. */
  end(): void {
    if (!this.closed) this.response.end();
  }

  /** Cuts the connection without a clean end, as a load balancer or a restart does. */
  drop(): void {
    this.response.socket?.destroy();
    this.response.destroy();
  }

  private forward(event: StoredEvent): void {
    const inScope =
      this.request.namespace === undefined ||
      event.object.metadata.namespace === this.request.namespace;
    if (inScope && this.request.matches(event.object)) this.send(event.type, event.object);
  }

  private send(type: string, object: unknown): void {
    if (!this.closed) this.response.write(`${JSON.stringify({ type, object })}\n`);
  }
}
