import type { Config } from '@akv-replicator/core';
import type { ServiceName } from '../stack/service-names';

/**
 * The configuration sections each service reads secret references from. A pod gets only the
 * environment variables of its own sections, so a replicator never holds the Slack webhook and
 * the notifier never holds a tenant's client secret.
 */
export const SECRET_SECTIONS: Readonly<Record<ServiceName, readonly (keyof Config)[]>> = {
  ingress: ['bus', 'tenants', 'ingress'],
  discovery: ['bus', 'tenants', 'status', 'discovery'],
  replicator: ['bus', 'tenants'],
  'certificate-converter': ['bus', 'tenants'],
  notifier: ['bus', 'notifications'],
};

export interface SecretReferences {
  /** `fromEnv` variable names, sorted. */
  readonly env: readonly string[];
  /** `fromFile` paths, sorted. */
  readonly files: readonly string[];
}

/** Secret references (`{ fromEnv }` / `{ fromFile }`) in the sections `service` reads. */
export function secretReferencesOf(config: Config, service: ServiceName): SecretReferences {
  const env = new Set<string>();
  const files = new Set<string>();
  for (const section of SECRET_SECTIONS[service]) collect(config[section], env, files);
  return { env: [...env].sort(), files: [...files].sort() };
}

/** Every secret reference in the configuration, whichever service reads it. */
export function allSecretReferences(config: Config): SecretReferences {
  const env = new Set<string>();
  const files = new Set<string>();
  collect(config, env, files);
  return { env: [...env].sort(), files: [...files].sort() };
}

function collect(value: unknown, env: Set<string>, files: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, env, files);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  // A validated SecretRef is exactly one of these two shapes (libs/core secret-ref.ts).
  const keys = Object.keys(record);
  if (keys.length === 1 && typeof record.fromEnv === 'string') env.add(record.fromEnv);
  else if (keys.length === 1 && typeof record.fromFile === 'string') files.add(record.fromFile);
  else for (const child of Object.values(record)) collect(child, env, files);
}
