/**
 * The Azure-messaging plumbing every test broker here needs, whatever the entity semantics: the
 * SASL mechanisms the SDKs use against an emulator, CBS put-token answers, and a listener that can
 * be killed abruptly (a crashed broker) as well as closed. Exported as
 * `@akv-replicator/servicebus-broker/amqp` so the Event Hubs broker shares it.
 */
import type { Server, Socket } from 'node:net';
import type { Container, Message } from 'rhea';

/** PEM key and certificate for AMQPS (what credential-based SDK clients require). */
export interface BrokerTls {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

/** Decides whether a CBS token is accepted (default: every token). */
export type TokenCheck = (token: { audience: string; type: string; token: string }) => boolean;

/** SASL mechanism Azure offers for CBS-based auth: accept, the token arrives on `$cbs`. */
class AcceptingMechanism {
  outcome: boolean | undefined = undefined;
  username = 'cbs';
  start(): void {
    this.outcome = true;
  }
}

/**
 * Offers SASL ANONYMOUS (what the Azure SDKs send to an emulator), PLAIN (any user: a CLI with the
 * connection string's key) and MSSBCBS; authorisation happens later, on `$cbs`.
 */
export function enableEmulatorSasl(container: Container): void {
  const mechanisms = container.sasl_server_mechanisms as unknown as Record<string, unknown> & {
    enable_anonymous(): void;
    enable_plain(check: () => boolean): void;
  };
  mechanisms.enable_anonymous();
  mechanisms.enable_plain(() => true);
  mechanisms['MSSBCBS'] = () => new AcceptingMechanism();
}

/** The application properties answering a CBS `put-token` request. */
export function putTokenStatus(request: Message, acceptToken: TokenCheck): Record<string, unknown> {
  const props = request.application_properties ?? {};
  const accepted = acceptToken({
    audience: String(props['name'] ?? ''),
    type: String(props['type'] ?? ''),
    token: String(request.body ?? ''),
  });
  return accepted
    ? { 'status-code': 202, 'status-description': 'Accepted' }
    : { 'status-code': 401, 'status-description': 'Unauthorized: the token was rejected.' };
}

/** A container's listening socket plus its accepted connections, so a test can cut them all. */
export class BrokerListener {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  constructor(private readonly container: Container) {}

  /**
   * Starts listening on 127.0.0.1 (port 0 picks a free port), over TLS when a key and
   * certificate are given; resolves with the bound port.
   */
  async listen(port: number, tls?: BrokerTls): Promise<number> {
    const server = tls
      ? this.container.listen({
          port,
          host: '127.0.0.1',
          transport: 'tls',
          key: tls.key,
          cert: tls.cert,
        })
      : this.container.listen({ port, host: '127.0.0.1' });
    this.server = server;
    server.on('connection', (socket: Socket) => {
      // Frames are small and latency-bound: Nagle + delayed ACK would stall each round trip.
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('broker did not bind a TCP port');
    return address.port;
  }

  /** Drops every socket without an AMQP close (a network cut or a crashed broker). */
  async kill(): Promise<void> {
    // Destroying with an error is what tells rhea the transport is gone (it clears its heartbeat
    // timers on 'error'; a bare destroy() would leave them keeping the process alive).
    for (const socket of this.sockets)
      socket.destroy(new Error('test broker killed the connection'));
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export { decodeMessage, internals, outcome, rhea, type LinkInternals } from './rhea';
export { longFromWire, unbatch } from './wire';
