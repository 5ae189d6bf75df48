import { isLoopbackHost, type Config } from '@akv-replicator/core';
import { environmentOf, type ComposeService } from './compose-model';

/** A `ports` entry as host IP, host port and container port (short syntax or long). */
function published(
  entry: string | number | { target?: number; published?: string | number; host_ip?: string },
): { hostIp: string | undefined; container: number } {
  if (typeof entry === 'object') return { hostIp: entry.host_ip, container: Number(entry.target) };
  const parts = String(entry)
    .replace(/\/(tcp|udp)$/, '')
    .split(':');
  return { hostIp: parts.length === 3 ? parts[0] : undefined, container: Number(parts.at(-1)) };
}

/**
 * Discovery's status port in compose: published on the host's loopback only when the
 * configuration enables `status` (the page is token-protected, but a demo stack should not offer
 * it to the network), with the token variable in discovery's environment; not published when off.
 */
export function checkStatusPort(
  config: Config,
  discovery: { name: string; service: ComposeService } | undefined,
  problem: (message: string) => void,
): void {
  if (!discovery) return;
  const { name, service } = discovery;
  const statusPorts = (service.ports ?? [])
    .map(published)
    .filter((p) => p.container === config.status.port);
  if (!config.status.enabled) {
    for (const port of statusPorts)
      problem(`${name}: publishes ${port.container}, the status port, but status is not enabled`);
    return;
  }
  if (isLoopbackHost(config.status.host))
    problem(
      `${name}: status.host ${config.status.host} is loopback: a published port reaches nothing`,
    );
  if (statusPorts.length === 0)
    problem(`${name}: status is enabled but port ${config.status.port} is not published`);
  for (const port of statusPorts)
    if (port.hostIp === undefined || !isLoopbackHost(port.hostIp))
      problem(
        `${name}: the status port ${port.container} is published on ${port.hostIp ?? 'every interface'}, not the host's loopback (127.0.0.1:${port.container}:${port.container})`,
      );
  const token = config.status.token;
  if (token && 'fromEnv' in token && !(token.fromEnv in environmentOf(service)))
    problem(`${name}: status.token reads ${token.fromEnv}, which discovery's environment lacks`);
}
