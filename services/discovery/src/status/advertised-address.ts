import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * Where peers reach a status endpoint listening on `url` (`host:port`), for a follower to
 * forward to. A listener on a specific address is reached there; one on every address (the
 * default `0.0.0.0` in a pod) through the first external IPv4 address — in Kubernetes the pod
 * IP, in compose the container's — else the first external IPv6 one. Undefined when the host
 * has no external address (a follower then reports that the leader cannot be reached).
 */
export function advertisedStatusAddress(
  url: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string | undefined {
  const { hostname, port } = new URL(url);
  if (!WILDCARD_HOSTS.has(hostname)) return `${hostname}:${port}`;
  const external = Object.values(interfaces)
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => !address.internal);
  const chosen =
    external.find((address) => address.family === 'IPv4') ??
    external.find((address) => address.family === 'IPv6' && !address.address.startsWith('fe80'));
  if (!chosen) return undefined;
  return chosen.family === 'IPv6' ? `[${chosen.address}]:${port}` : `${chosen.address}:${port}`;
}
