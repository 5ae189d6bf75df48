import { existsSync } from 'node:fs';
import { freePort } from '../net/free-port';
import type { NatsServer } from './nats-handle';
import { waitForHealthz } from './wait-ready';

/** The image Testcontainers runs when neither NATS_URL nor a nats-server binary exists. */
export const NATS_IMAGE = 'nats:2';

/** True when a Docker engine looks reachable (DOCKER_HOST or a local socket). */
export function dockerLikelyAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['DOCKER_HOST']) return true;
  const home = env['HOME'];
  const sockets = ['/var/run/docker.sock', ...(home ? [`${home}/.docker/run/docker.sock`] : [])];
  return sockets.some((socket) => existsSync(socket));
}

/**
 * Starts `nats:2 -js` with Testcontainers on fixed host ports, so kill() (SIGKILL through the
 * engine) and restart() (start the same container) keep the address and the store.
 */
export async function startNatsContainer(startTimeoutMs: number): Promise<NatsServer> {
  // Imported lazily: loading testcontainers probes the engine, which only makes sense here.
  const { GenericContainer, getContainerRuntimeClient } = await import('testcontainers');
  const port = await freePort();
  const monitorPort = await freePort();
  const started = await new GenericContainer(NATS_IMAGE)
    .withCommand(['-js', '-sd', '/data', '-m', '8222'])
    .withExposedPorts({ container: 4222, host: port }, { container: 8222, host: monitorPort })
    .start();
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(started.getId());
  const host = started.getHost();
  const ready = (): Promise<void> =>
    waitForHealthz(`http://${host}:${monitorPort}`, startTimeoutMs);
  await ready();
  let stopped = false;
  return {
    url: `nats://${host}:${port}`,
    origin: 'container',
    controllable: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await started.stop({ timeout: 1_000 });
    },
    kill: async () => {
      await container.kill({ signal: 'SIGKILL' });
    },
    restart: async () => {
      await container.start().catch(() => undefined); // already running after a plain restart
      await ready();
    },
  };
}
