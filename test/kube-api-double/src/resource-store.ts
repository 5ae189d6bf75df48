import { randomUUID } from 'node:crypto';
import type { KubeObject } from './status';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
  readonly resourceVersion: number;
}

/** Where an object lives: its namespace and name. */
export const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * Objects of one resource with etcd-like resource versions: one counter for the whole store
 * (resource versions are global in Kubernetes), an event history watches replay from, and a
 * compaction point below which a watch can no longer resume (410 Gone).
 */
export class ResourceStore {
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: StoredEvent[] = [];
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  /** Resource versions at or below this are compacted away. */
  private compactedTo = 0;

  constructor(
    private readonly clock: { next(): number; current(): number },
    private readonly identity: { apiVersion: string; kind: string },
  ) {}

  get(namespace: string, name: string): KubeObject | undefined {
    const found = this.objects.get(keyOf(namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  list(namespace: string | undefined): KubeObject[] {
    return [...this.objects.values()]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .map((o) => structuredClone(o));
  }

  /** Creates or replaces an object; a new resourceVersion and an ADDED or MODIFIED event. */
  put(object: KubeObject): KubeObject {
    const namespace = object.metadata.namespace ?? 'default';
    const name = object.metadata.name;
    if (!name) throw new TypeError('an object needs metadata.name');
    const previous = this.objects.get(keyOf(namespace, name));
    const rv = this.clock.next();
    const stored: KubeObject = {
      ...structuredClone(object),
      apiVersion: this.identity.apiVersion,
      kind: this.identity.kind,
      metadata: {
        ...structuredClone(object.metadata),
        namespace,
        name,
        uid: previous?.metadata.uid ?? randomUUID(),
        creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString(),
        resourceVersion: String(rv),
      },
    };
    this.objects.set(keyOf(namespace, name), stored);
    this.record({ type: previous ? 'MODIFIED' : 'ADDED', object: stored, resourceVersion: rv });
    return structuredClone(stored);
  }

  delete(namespace: string, name: string): KubeObject | undefined {
    const previous = this.objects.get(keyOf(namespace, name));
    if (!previous) return undefined;
    this.objects.delete(keyOf(namespace, name));
    const rv = this.clock.next();
    const gone = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } };
    this.record({ type: 'DELETED', object: gone, resourceVersion: rv });
    return structuredClone(gone);
  }

  /** Forgets the history up to now: a watch from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.compactedTo = this.clock.current();
    this.history.length = 0;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  oldestResumable(): number {
    return this.compactedTo;
  }

  /** Events after `resourceVersion`, or undefined when compaction has removed some of them. */
  eventsSince(resourceVersion: number): StoredEvent[] | undefined {
    if (resourceVersion < this.compactedTo) return undefined;
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(event: StoredEvent): void {
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }
}
