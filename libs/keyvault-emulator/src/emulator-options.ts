import { systemClock, type Clock } from './clock';
import type { DeliveryRetryOptions } from './eventgrid/subscription-options';
import type { ThrottlingOptions } from './throttling/throttle';
import type { CertificateAuthorityPem } from './tls/certificate-authority';

/** Defaults used when a vault spec or the emulator options leave them out. */
export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-00000000a11a';
export const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-4000-8000-00000000c0de';
export const DEFAULT_RESOURCE_GROUP = 'rg-keyvault-emulator';
export const DEFAULT_REGION = 'westeurope';
/** Key Vault's default soft-delete retention. */
export const DEFAULT_RECOVERABLE_DAYS = 90;
/**
 * How long a delete, recover or purge takes to finish after the request returns. Key Vault
 * finishes them in the background, in seconds (clients see "currently being deleted" for 1 to
 * 5 s after a purge: Azure/azure-sdk-for-net#26027), which is why the SDKs wrap delete and
 * recover in pollers: https://learn.microsoft.com/azure/key-vault/secrets/javascript-developer-guide-delete-secret
 */
export const DEFAULT_LIFECYCLE_DELAY_MS = 2_000;
/** How often NearExpiry/Expired are checked against the clock. */
export const DEFAULT_EXPIRY_CHECK_INTERVAL_MS = 60_000;

/** One vault to bring up at start (or later through ARM / `createVault`). */
export interface VaultSpec {
  /** Vault name; also the ARM resource name. */
  readonly name: string;
  /** Azure region (`location`), used by region-wide faults. Default {@link DEFAULT_REGION}. */
  readonly region?: string;
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  /** Tenant named in the vault's auth challenge. */
  readonly tenantId?: string;
  /** ARM tags, e.g. `{ dst_key_vault_names: 'replica-1,replica-2' }`. */
  readonly tags?: Readonly<Record<string, string>>;
  /** This vault's own limits, over the emulator-wide `throttling`. */
  readonly throttling?: ThrottlingOptions;
  /**
   * Azure RBAC on the data plane (the ARM property of the same name): every call needs a role
   * assignment granting its data action, else 403 ForbiddenByRbac. Default false (access
   * policies, not enforced by the emulator).
   */
  readonly enableRbacAuthorization?: boolean;
  /** Fixed data-plane port; default: any free port (or `portBase` + index). */
  readonly port?: number;
}

/** Listen addresses meaning "every interface": no client can use them as a host name. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** Options of {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  readonly vaults?: readonly VaultSpec[];
  /** Default tenant for vaults and ARM. */
  readonly tenantId?: string;
  /** Default subscription for vaults and ARM. */
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  /** Throttling; default Key Vault's limits. `{ enabled: false }` turns it off. */
  readonly throttling?: ThrottlingOptions;
  /**
   * Strict auth: only these bearer tokens are accepted (data plane and ARM). Default: any
   * bearer token is accepted, a missing one still gets the 401 challenge.
   */
  readonly strictAuth?: {
    /** Tokens accepted by every vault and ARM. */
    readonly tokens?: readonly string[];
    /** Tokens accepted only by vaults of that tenant id (and by ARM). */
    readonly tokensByTenant?: Readonly<Record<string, readonly string[]>>;
  };
  /** Clock for attributes, throttling windows and expiry events. Default: system clock. */
  readonly clock?: Clock;
  /** Use this CA instead of generating one (stable trust across runs). */
  readonly ca?: CertificateAuthorityPem;
  /**
   * Address every endpoint listens on. Default `127.0.0.1`; `0.0.0.0` serves other hosts
   * (a container network), together with {@link publicHost}.
   */
  readonly host?: string;
  /**
   * Host name clients reach the emulator by: used in every URL it reports (vault URIs, object
   * ids, ARM endpoint) and added to its TLS certificate. Default: `host`, or `127.0.0.1` when
   * `host` is a wildcard address.
   */
  readonly publicHost?: string;
  /** ARM listens on `portBase`, vault i on `portBase + 1 + i`. Default: free ports. */
  readonly portBase?: number;
  /**
   * Directory for `ca.pem` (+ `ca-key.pem`); a CA found there is reused, so clients keep
   * trusting restarts. Default: a fresh temporary directory, removed on stop.
   */
  readonly stateDir?: string;
  /** Default retry policy of Event Grid subscriptions. */
  readonly eventGridRetry?: DeliveryRetryOptions;
  /** Period of the NearExpiry/Expired check; 0 disables the timer (call `checkExpiry()`). */
  readonly expiryCheckIntervalMs?: number;
  /** Randomness source of fault and chaos draws (tests make it deterministic). */
  readonly random?: () => number;
  readonly recoverableDays?: number;
  /**
   * Milliseconds (by {@link clock}) during which a deleted, recovered or purged name is in
   * transition and answers 409 `ObjectIsBeingDeleted` / `ObjectIsBeingRecovered`. Default
   * {@link DEFAULT_LIFECYCLE_DELAY_MS}; 0 makes the transitions instant.
   */
  readonly lifecycleDelayMs?: number;
}

export interface ResolvedEmulatorOptions extends Required<
  Omit<
    EmulatorOptions,
    'strictAuth' | 'ca' | 'portBase' | 'stateDir' | 'throttling' | 'eventGridRetry'
  >
> {
  readonly strictTokens: readonly string[];
  readonly strictTokensByTenant: Readonly<Record<string, readonly string[]>>;
  readonly ca: CertificateAuthorityPem | undefined;
  readonly portBase: number | undefined;
  readonly stateDir: string | undefined;
  readonly throttling: ThrottlingOptions;
  readonly eventGridRetry: DeliveryRetryOptions;
}

/** Validates options early, naming the bad key. */
export function resolveEmulatorOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const vaults = options.vaults ?? [];
  const seen = new Set<string>();
  vaults.forEach((vault, index) => {
    if (!/^[0-9a-zA-Z-]{1,24}$/.test(vault.name ?? '')) {
      throw new RangeError(
        `vaults[${index}].name must be 1-24 letters, digits or hyphens (got ${JSON.stringify(vault.name)})`,
      );
    }
    if (seen.has(vault.name.toLowerCase()))
      throw new RangeError(`vaults[${index}].name ${vault.name} is a duplicate`);
    seen.add(vault.name.toLowerCase());
  });
  if (
    options.portBase !== undefined &&
    !(Number.isInteger(options.portBase) && options.portBase > 0 && options.portBase < 65_000)
  ) {
    throw new RangeError(`portBase must be an integer port (got ${options.portBase})`);
  }
  const host = options.host ?? '127.0.0.1';
  const publicHost = options.publicHost ?? (WILDCARD_HOSTS.has(host) ? '127.0.0.1' : host);
  if (!/^[0-9a-zA-Z.:-]+$/.test(host) || !/^[0-9a-zA-Z.:-]+$/.test(publicHost))
    throw new RangeError(
      `host and publicHost must be host names or IP addresses (got ${JSON.stringify(host)}, ${JSON.stringify(publicHost)})`,
    );
  const expiryCheckIntervalMs = options.expiryCheckIntervalMs ?? DEFAULT_EXPIRY_CHECK_INTERVAL_MS;
  if (!(expiryCheckIntervalMs >= 0)) throw new RangeError('expiryCheckIntervalMs must be >= 0');
  const lifecycleDelayMs = options.lifecycleDelayMs ?? DEFAULT_LIFECYCLE_DELAY_MS;
  if (!(Number.isFinite(lifecycleDelayMs) && lifecycleDelayMs >= 0))
    throw new RangeError(`lifecycleDelayMs must be a number >= 0 (got ${lifecycleDelayMs})`);
  return Object.freeze({
    vaults,
    tenantId: options.tenantId ?? DEFAULT_TENANT_ID,
    subscriptionId: options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID,
    resourceGroup: options.resourceGroup ?? DEFAULT_RESOURCE_GROUP,
    throttling: options.throttling ?? {},
    strictTokens: options.strictAuth?.tokens ?? [],
    strictTokensByTenant: options.strictAuth?.tokensByTenant ?? {},
    clock: options.clock ?? systemClock,
    ca: options.ca,
    portBase: options.portBase,
    host,
    publicHost,
    stateDir: options.stateDir,
    eventGridRetry: options.eventGridRetry ?? {},
    expiryCheckIntervalMs,
    random: options.random ?? Math.random,
    recoverableDays: options.recoverableDays ?? DEFAULT_RECOVERABLE_DAYS,
    lifecycleDelayMs,
  });
}
