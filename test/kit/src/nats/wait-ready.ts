import { connect } from 'node:net';

/** Resolves when `GET /healthz` on the monitor port answers 200 (JetStream recovered). */
export async function waitForHealthz(
  monitorUrl: string,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('nats-server exited during start', { cause: last });
    try {
      const response = await fetch(`${monitorUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
      last = new Error(`healthz answered ${response.status}`);
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server not ready within ${timeoutMs} ms`, { cause: last });
}

/** Resolves when a TCP client gets the server's INFO line (for servers without a monitor port). */
export async function waitForInfo(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port });
        socket.setTimeout(1_000, () => socket.destroy(new Error('timeout')));
        socket.once('data', (chunk) => {
          socket.destroy();
          if (chunk.toString('utf8').startsWith('INFO')) resolve();
          else reject(new Error('not a NATS server'));
        });
        socket.once('error', reject);
      });
      return;
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`no NATS server at ${host}:${port} within ${timeoutMs} ms`, { cause: last });
}
