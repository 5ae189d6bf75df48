import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResourceStore } from './resource-store';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors';
import {
  alreadyExists,
  conflict,
  notFound,
  status,
  type KubeObject,
  type KubeStatus,
} from './status';
import { WatchStream } from './watch-stream';

export interface KubeApiDoubleOptions {
  /** Bearer token every request must carry; default: none required. */
  readonly token?: string;
  /** Send a BOOKMARK to every watch that allows them this often; default: only on `bookmark()`. */
  readonly bookmarkIntervalMs?: number;
}

/** One request as the double received it, for tests to assert what the client sent. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

/** Refuses matching requests with a Status (e.g. 503) while it returns one. */
/** A refusal to answer with, 'hang' to never answer (a dead connection), or undefined to serve. */
export type Fault = (request: RecordedRequest) => KubeStatus | 'hang' | undefined;

const LEASE_GROUP = 'coordination.k8s.io';
const SECRETS = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/secrets(?:\/([^/]+))?$/;
const LEASES = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/;

/**
 * A Kubernetes API server double on 127.0.0.1 (plain HTTP): Secrets (list, get, watch with
 * bookmarks, 410 Gone after compaction, droppable connections) and coordination.k8s.io/v1
 * Leases (get, create, update with resourceVersion conflicts). Tests change Secrets through
 * `putSecret` / `deleteSecret`, the way cert-manager would.
 */
export class KubeApiDouble {
  readonly requests: RecordedRequest[] = [];
  private readonly server = createServer((req, res) => this.handle(req, res));
  private readonly watches = new Set<WatchStream>();
  private resourceVersion = 100;
  private readonly clock = {
    next: () => ++this.resourceVersion,
    current: () => this.resourceVersion,
  };
  readonly secrets = new ResourceStore(this.clock, { apiVersion: 'v1', kind: 'Secret' });
  readonly leases = new ResourceStore(this.clock, {
    apiVersion: `${LEASE_GROUP}/v1`,
    kind: 'Lease',
  });
  private faults: Fault[] = [];
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private baseUrl = '';

  constructor(private readonly options: KubeApiDoubleOptions = {}) {}

  /** `http://127.0.0.1:<port>`: the cluster server for a kubeconfig. */
  get url(): string {
    return this.baseUrl;
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    if (this.options.bookmarkIntervalMs)
      this.bookmarkTimer = setInterval(() => this.bookmark(), this.options.bookmarkIntervalMs);
    return this;
  }

  async close(): Promise<void> {
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    for (const watch of this.watches) watch.drop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  putSecret(secret: KubeObject): KubeObject {
    return this.secrets.put(secret);
  }

  deleteSecret(namespace: string, name: string): KubeObject | undefined {
    return this.secrets.delete(namespace, name);
  }

  /** Compacts history: watches resuming from an older resourceVersion get 410 Gone. */
  compact(): void {
    this.secrets.compact();
    this.leases.compact();
  }

  /** Cuts every open watch connection; returns how many there were. */
  dropWatches(): number {
    const open = [...this.watches];
    for (const watch of open) watch.drop();
    return open.length;
  }

  /** Ends every open watch cleanly (as `timeoutSeconds` does). */
  endWatches(): number {
    const open = [...this.watches];
    for (const watch of open) watch.end();
    return open.length;
  }

  /** Sends a BOOKMARK to every watch that allows them; returns how many got one. */
  bookmark(): number {
    return [...this.watches].filter((watch) => watch.bookmark()).length;
  }

  /** The resourceVersion of the latest write (a new list or a BOOKMARK reports this). */
  currentResourceVersion(): string {
    return String(this.resourceVersion);
  }

  openWatches(): number {
    return this.watches.size;
  }

  /** Adds a fault; returns a function that removes it. */
  inject(fault: Fault): () => void {
    this.faults.push(fault);
    return () => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://double');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    this.requests.push(recorded);
    if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`)
      return reply(res, status(401, 'Unauthorized', 'Unauthorized'));
    for (const fault of this.faults) {
      const refusal = fault(recorded);
      if (refusal === 'hang') return;
      if (refusal) return reply(res, refusal);
    }
    void readBody(req)
      .then((body) => this.route(recorded, url.searchParams, body, res))
      .catch((error: unknown) => {
        if (error instanceof SelectorError) reply(res, status(400, 'BadRequest', error.message));
        else if (error instanceof SyntaxError)
          reply(res, status(400, 'BadRequest', `invalid JSON: ${error.message}`));
        else reply(res, status(500, 'InternalError', String(error)));
      });
  }

  private route(
    request: RecordedRequest,
    query: URLSearchParams,
    body: string,
    res: ServerResponse,
  ): void {
    const secrets = SECRETS.exec(request.path);
    if (secrets && request.method === 'GET') {
      const [, namespace, name] = secrets;
      if (name) {
        const found = this.secrets.get(namespace ?? 'default', name);
        return reply(res, found ?? notFound('secrets', name), found ? 200 : 404);
      }
      return this.listOrWatch(namespace, query, res);
    }
    const leases = LEASES.exec(request.path);
    if (leases) return this.lease(request.method, leases[1]!, leases[2], body, res);
    reply(res, status(404, 'NotFound', 'the server could not find the requested resource'));
  }

  private listOrWatch(
    namespace: string | undefined,
    query: URLSearchParams,
    res: ServerResponse,
  ): void {
    const byField = parseFieldSelector(query.get('fieldSelector'));
    const byLabel = parseLabelSelector(query.get('labelSelector'));
    const matches = (o: KubeObject) => byField(o) && byLabel(o);
    if (query.get('watch') === 'true' || query.get('watch') === '1') {
      const timeout = query.get('timeoutSeconds');
      let stream: WatchStream | undefined = undefined;
      stream = new WatchStream(
        res,
        {
          namespace,
          matches,
          resourceVersion: query.get('resourceVersion') ?? '',
          allowBookmarks: query.get('allowWatchBookmarks') === 'true',
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          kind: 'Secret',
        },
        this.secrets,
        this.clock.current,
        () => this.watches.delete(stream!),
      );
      this.watches.add(stream);
      return stream.start();
    }
    // Items in a list carry no kind/apiVersion; the list's resourceVersion is where a watch resumes.
    const items = this.secrets
      .list(namespace)
      .filter(matches)
      .map(({ kind: _kind, apiVersion: _apiVersion, ...item }) => item);
    reply(res, {
      kind: 'SecretList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.clock.current()) },
      items,
    });
  }

  private lease(
    method: string,
    namespace: string,
    name: string | undefined,
    body: string,
    res: ServerResponse,
  ): void {
    if (method === 'POST' && !name) {
      const lease = JSON.parse(body) as KubeObject;
      const leaseName = lease.metadata?.name ?? '';
      if (this.leases.get(namespace, leaseName))
        return reply(res, alreadyExists('leases', leaseName, LEASE_GROUP));
      return reply(
        res,
        this.leases.put({ ...lease, metadata: { ...lease.metadata, namespace } }),
        201,
      );
    }
    if (!name) return reply(res, status(405, 'MethodNotAllowed', `${method} is not supported`));
    const current = this.leases.get(namespace, name);
    if (!current && method !== 'POST') return reply(res, notFound('leases', name, LEASE_GROUP));
    if (method === 'GET') return reply(res, current);
    if (method === 'PUT') {
      const lease = JSON.parse(body) as KubeObject;
      if (lease.metadata?.resourceVersion !== current!.metadata.resourceVersion)
        return reply(res, conflict('leases', name, LEASE_GROUP));
      return reply(
        res,
        this.leases.put({ ...lease, metadata: { ...lease.metadata, namespace, name } }),
      );
    }
    if (method === 'DELETE') {
      this.leases.delete(namespace, name);
      return reply(res, status(200, 'Success', 'deleted') as unknown as KubeObject);
    }
    reply(res, status(405, 'MethodNotAllowed', `${method} is not supported`));
  }
}

function reply(res: ServerResponse, body: unknown, code?: number): void {
  const statusCode = code ?? (isStatus(body) ? body.code : 200);
  const text = JSON.stringify(body);
  res.writeHead(statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function isStatus(body: unknown): body is KubeStatus {
  return (body as { kind?: unknown } | null)?.kind === 'Status';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
