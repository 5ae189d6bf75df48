import { isIPv6, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Loopback: the emulator is reachable from other hosts only when asked for. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/** Where an endpoint listens and the host name its clients use for it. */
export interface ListenAddress {
  readonly host?: string;
  readonly publicHost?: string;
}

/** How an offline endpoint looks to clients. */
export type OfflineMode = 'refuse' | 'reset';

/**
 * A Fastify app bound to one loopback port that can be taken offline and back without
 * losing its port: `refuse` closes the listener (ECONNREFUSED), `reset` keeps listening but
 * destroys every connection as it arrives (ECONNRESET / socket hang up).
 */
export class ListeningServer {
  readonly #app: FastifyInstance;
  readonly #host: string;
  readonly #publicHost: string;
  #port = 0;
  #mode: OfflineMode | 'online' = 'online';
  readonly #sockets = new Set<Socket>();

  /**
   * `listen.host` is the address bound (default loopback); `listen.publicHost` the name clients
   * reach it by, used in {@link origin} (default `host`).
   */
  constructor(app: FastifyInstance, listen: ListenAddress = {}) {
    this.#app = app;
    this.#host = listen.host ?? DEFAULT_LISTEN_HOST;
    this.#publicHost = listen.publicHost ?? this.#host;
    app.server.on('connection', (socket: Socket) => {
      if (this.#mode === 'reset') {
        // RST rather than FIN, so clients see ECONNRESET as with a real network failure.
        socket.resetAndDestroy();
        return;
      }
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** The bound port (0 before {@link start}). */
  get port(): number {
    return this.#port;
  }

  /** `https://PUBLIC_HOST:PORT` (default `https://127.0.0.1:PORT`). */
  get origin(): string {
    const host = isIPv6(this.#publicHost) ? `[${this.#publicHost}]` : this.#publicHost;
    return `https://${host}:${this.#port}`;
  }

  get mode(): OfflineMode | 'online' {
    return this.#mode;
  }

  /** Listens on `port` (0 = any free port). */
  async start(port = 0): Promise<void> {
    await this.#app.listen({ port, host: this.#host });
    const address = this.#app.server.address();
    this.#port = typeof address === 'object' && address ? address.port : port;
  }

  async goOffline(mode: OfflineMode): Promise<void> {
    if (this.#mode === mode) return;
    if (this.#mode === 'refuse') await this.#relisten();
    this.#mode = mode;
    for (const socket of this.#sockets) socket.destroy();
    if (mode === 'refuse')
      await new Promise<void>((resolve) => this.#app.server.close(() => resolve()));
  }

  async goOnline(): Promise<void> {
    if (this.#mode === 'online') return;
    if (this.#mode === 'refuse') await this.#relisten();
    this.#mode = 'online';
  }

  async #relisten(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#app.server.once('error', reject);
      this.#app.server.listen(this.#port, this.#host, () => {
        this.#app.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Closes the server and every open connection. Idempotent. */
  async stop(): Promise<void> {
    if (this.#mode === 'refuse') await this.#relisten();
    this.#mode = 'online';
    for (const socket of this.#sockets) socket.destroy();
    await this.#app.close();
  }
}
