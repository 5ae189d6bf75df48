import { parse } from 'yaml';

/** The parts of a compose service the checks read (after YAML merge keys are applied). */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { context?: string; dockerfile?: string; target?: string } | string;
  readonly command?: string[] | string;
  readonly entrypoint?: string[] | string;
  readonly environment?: Record<string, string | number | boolean | null> | string[];
  readonly expose?: (string | number)[];
  readonly ports?: (
    string | number | { target?: number; published?: string | number; host_ip?: string }
  )[];
  readonly depends_on?: string[] | Record<string, unknown>;
  readonly volumes?: (string | { type?: string; source?: string; target?: string })[];
  readonly read_only?: boolean;
  readonly tmpfs?: string[] | string;
  readonly healthcheck?: { test?: string[] | string; disable?: boolean };
}

export interface ComposeFile {
  readonly services: Record<string, ComposeService>;
}

/** Parses docker-compose YAML with merge keys (`<<: *anchor`), as Compose does. */
export function parseCompose(source: string): ComposeFile {
  const parsed = parse(source, { merge: true }) as unknown;
  if (typeof parsed !== 'object' || parsed === null || !('services' in parsed))
    throw new Error('compose file has no services');
  return parsed as ComposeFile;
}

/** Container ports a service listens on and declares (`expose`, `ports` container side). */
export function containerPorts(service: ComposeService): Set<number> {
  const ports = new Set<number>();
  const addRange = (spec: string) => {
    const [from, to] = spec
      .replace(/\/(tcp|udp)$/, '')
      .split('-')
      .map(Number);
    for (let port = from!; port <= (to ?? from!); port += 1) ports.add(port);
  };
  for (const entry of service.expose ?? []) addRange(String(entry));
  for (const entry of service.ports ?? []) {
    if (typeof entry === 'object') {
      if (entry.target) ports.add(entry.target);
    } else addRange(String(entry).split(':').at(-1)!);
  }
  return ports;
}

/** `environment` as a record (list form `A=b` too), `${VAR:-default}` resolved to its default. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: [string, string][] = Array.isArray(raw)
    ? raw.map((item) => {
        const index = item.indexOf('=');
        return [item.slice(0, index), item.slice(index + 1)];
      })
    : Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(
    entries.map(([key, value]) => [key, value.replace(/\$\{\w+:-([^}]*)\}/g, '$1')]),
  );
}

export function commandWords(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : value.split(/\s+/).filter(Boolean);
}

export function dependencies(service: ComposeService): string[] {
  const raw = service.depends_on ?? [];
  return Array.isArray(raw) ? raw : Object.keys(raw);
}

/** `host:port` of an http(s)/nats/grpc URL or a bare `host:port`. */
export function hostPort(value: string): { host: string; port: number } | undefined {
  const match = /^(?:[a-z]+:\/\/)?([A-Za-z0-9_.-]+):(\d+)(?:[/?].*)?$/.exec(value.trim());
  return match ? { host: match[1]!, port: Number(match[2]) } : undefined;
}

/** Whether `host:port` is a compose service that declares the port. */
export function reachable(
  services: Record<string, ComposeService>,
  value: string,
): string | undefined {
  const address = hostPort(value);
  if (!address) return `"${value}" is not host:port`;
  const service = services[address.host];
  if (!service) return `${value}: no compose service "${address.host}"`;
  if (!containerPorts(service).has(address.port))
    return `${value}: service ${address.host} does not expose port ${address.port}`;
  return undefined;
}
