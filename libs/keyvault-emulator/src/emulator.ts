import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminRoutes } from './admin/admin-routes';
import { armGuards } from './arm/arm-guards';
import { vaultResourceId } from './arm/arm-render';
import { accessPolicyChangedObject } from './arm/access-policies';
import { armRoutes } from './arm/arm-routes';
import { TokenPolicy } from './auth/token-check';
import { certificateOperations } from './certificates/certificate-operations';
import {
  resolveEmulatorOptions,
  DEFAULT_REGION,
  type EmulatorOptions,
  type ResolvedEmulatorOptions,
  type VaultSpec,
} from './emulator-options';
import { EventGridHub } from './eventgrid/event-grid-hub';
import { ExpiryScanner } from './eventgrid/expiry-scanner';
import { FaultInjector } from './faults/fault-injector';
import { createHttpsApp } from './http/https-app';
import { ListeningServer } from './http/listening-server';
import { keyOperations } from './keys/key-operations';
import { RbacAuthorizer } from './rbac/rbac-authorizer';
import { roleAssignmentRoutes } from './rbac/rbac-routes';
import { RoleAssignments } from './rbac/role-assignments';
import { roleDefinitionResourceId, type RoleDefinition } from './rbac/role-definitions';
import { secretOperations } from './secrets/secret-operations';
import { resolveThrottlingOptions, Throttle, type ThrottlingOptions } from './throttling/throttle';
import type { ServerTlsMaterial } from './tls/certificate-authority';
import { CA_CERT_FILE, loadOrCreateCertificateAuthority } from './tls/persistent-ca';
import { VaultDirectory } from './vault-directory';
import type { VaultEndpointDeps } from './vault-endpoint';
import type { EmulatorClientOptions, VaultInfo } from './emulator-types';

/**
 * The emulator's composition root: CA, ARM endpoint, one HTTPS data plane per vault, Event
 * Grid, throttling and faults. Create it with {@link startEmulator}.
 */
export class KeyVaultEmulator {
  readonly faults: FaultInjector;
  readonly eventGrid: EventGridHub;
  /** The CA certificate (PEM) every endpoint's certificate chains to. */
  readonly ca: string;
  readonly #options: ResolvedEmulatorOptions;
  readonly #vaults: VaultDirectory;
  readonly #throttle: Throttle;
  readonly #arm: ListeningServer;
  readonly #expiry: ExpiryScanner;
  readonly #roleAssignments = new RoleAssignments();
  #caFile = '';
  #ownsStateDir = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  private constructor(options: ResolvedEmulatorOptions, tls: ServerTlsMaterial, caPem: string) {
    this.#options = options;
    this.ca = caPem;
    this.#throttle = new Throttle(resolveThrottlingOptions(options.throttling), options.clock);
    const tokenPolicy = new TokenPolicy(options.strictTokens, options.strictTokensByTenant);
    this.faults = new FaultInjector({
      random: options.random,
      onAvailabilityChange: () => this.#vaults.applyAvailability(),
    });
    this.eventGrid = new EventGridHub({
      clock: options.clock,
      random: options.random,
      retry: options.eventGridRetry,
      vaultLookup: (name) => this.#vaults.find(name)?.endpoint.identity,
    });
    this.#expiry = new ExpiryScanner(this.eventGrid, options.clock);
    const deps: VaultEndpointDeps = {
      tls,
      tokenPolicy,
      throttle: this.#throttle,
      faults: this.faults,
      clock: options.clock,
      events: this.eventGrid,
      operations: [...secretOperations, ...certificateOperations, ...keyOperations],
      recoverableDays: options.recoverableDays,
      lifecycleDelayMs: options.lifecycleDelayMs,
      rbac: new RbacAuthorizer(
        this.#roleAssignments,
        (name) =>
          this.#vaults.find(name)?.resource.extraProperties['enableRbacAuthorization'] === true,
      ),
      listen: { host: options.host, publicHost: options.publicHost },
    };
    this.#vaults = new VaultDirectory({
      deps,
      defaultTenantId: options.tenantId,
      defaultSubscriptionId: options.subscriptionId,
      firstPort: options.portBase === undefined ? undefined : options.portBase + 1,
      availabilityOf: (name, region) => this.faults.availabilityOf(name, region),
    });
    const routes = [
      ...armRoutes(
        this.#vaults,
        () => this.armEndpoint,
        (vault) => {
          const entry = this.#vaults.find(vault.name);
          if (!entry) return;
          this.eventGrid.publish(
            entry.endpoint.identity,
            'Microsoft.KeyVault.VaultAccessPolicyChanged',
            accessPolicyChangedObject(vault),
          );
        },
      ),
      ...roleAssignmentRoutes(this.#roleAssignments, this.#vaults, options.clock),
      ...adminRoutes(this),
    ];
    this.#arm = new ListeningServer(
      createHttpsApp({ tls, routes, guards: armGuards(tokenPolicy) }),
      deps.listen,
    );
  }

  /** Starts ARM and every configured vault; see {@link startEmulator}. */
  static async start(rawOptions: EmulatorOptions = {}): Promise<KeyVaultEmulator> {
    const options = resolveEmulatorOptions(rawOptions);
    const authority = await loadOrCreateCertificateAuthority(options.stateDir, options.ca);
    const emulator = new KeyVaultEmulator(
      options,
      authority.issueServerCertificate([options.publicHost]),
      authority.certPem,
    );
    try {
      await emulator.#startServices();
    } catch (error) {
      await emulator.stop();
      throw error;
    }
    return emulator;
  }

  async #startServices(): Promise<void> {
    const stateDir =
      this.#options.stateDir ?? (await mkdtemp(join(tmpdir(), 'keyvault-emulator-')));
    this.#ownsStateDir = this.#options.stateDir === undefined;
    await mkdir(stateDir, { recursive: true });
    this.#caFile = join(stateDir, CA_CERT_FILE);
    await writeFile(this.#caFile, this.ca);
    await this.#arm.start(this.#options.portBase ?? 0);
    for (const spec of this.#options.vaults) {
      if (spec.throttling)
        this.setThrottling(
          { ...this.#options.throttling, ...spec.throttling },
          { vault: spec.name },
        );
      await this.createVault(spec);
    }
    if (this.#options.expiryCheckIntervalMs > 0) {
      this.#timer = setInterval(() => this.checkExpiry(), this.#options.expiryCheckIntervalMs);
      this.#timer.unref();
    }
  }

  /** `https://127.0.0.1:PORT` of the ARM endpoint (pass as `endpoint` to KeyVaultManagementClient). */
  get armEndpoint(): string {
    return this.#arm.origin;
  }

  /** Path of a file holding {@link ca} (for NODE_EXTRA_CA_CERTS or other processes). */
  get caFile(): string {
    return this.#caFile;
  }

  get tenantId(): string {
    return this.#options.tenantId;
  }

  get subscriptionId(): string {
    return this.#options.subscriptionId;
  }

  /** Data-plane URL of a vault (`https://127.0.0.1:PORT`); throws for an unknown vault. */
  vaultUrl(name: string): string {
    const entry = this.#vaults.find(name);
    if (!entry) throw new RangeError(`unknown vault ${name}`);
    return entry.endpoint.origin;
  }

  /** Names of all vaults, in creation order. */
  vaultNames(): string[] {
    return this.#vaults.entries().map((entry) => entry.resource.name);
  }

  /** Everything known about one vault (ARM view + data-plane URL); throws for an unknown vault. */
  vault(name: string): VaultInfo {
    const entry = this.#vaults.find(name);
    if (!entry) throw new RangeError(`unknown vault ${name}`);
    const { resource } = entry;
    return {
      name: resource.name,
      url: entry.endpoint.origin,
      region: resource.location,
      subscriptionId: resource.subscriptionId,
      resourceGroup: resource.resourceGroup,
      tenantId: resource.tenantId,
      tags: { ...resource.tags },
      resourceId: vaultResourceId(resource),
    };
  }

  /** Options for SecretClient / CertificateClient: trust the CA, skip the resource check. */
  clientOptions(): EmulatorClientOptions {
    return { tlsOptions: { ca: this.ca }, disableChallengeResourceVerification: true };
  }

  /** Options for KeyVaultManagementClient: ARM endpoint + CA trust. */
  armClientOptions(): { endpoint: string; tlsOptions: { ca: string } } {
    return { endpoint: this.armEndpoint, tlsOptions: { ca: this.ca } };
  }

  /** Creates a vault (as an ARM PUT would) and brings its data plane up; returns its URL. */
  async createVault(spec: VaultSpec): Promise<string> {
    const { vault } = await this.#vaults.put(
      spec.subscriptionId ?? this.#options.subscriptionId,
      spec.resourceGroup ?? this.#options.resourceGroup,
      spec.name,
      {
        location: spec.region ?? DEFAULT_REGION,
        tenantId: spec.tenantId ?? this.#options.tenantId,
        tags: spec.tags ?? {},
        skuName: 'standard',
        extraProperties:
          spec.enableRbacAuthorization === undefined
            ? {}
            : { enableRbacAuthorization: spec.enableRbacAuthorization },
      },
      spec.port,
    );
    return vault.vaultUri.replace(/\/$/, '');
  }

  /**
   * Grants `role` (e.g. `KEY_VAULT_ROLES.secretsUser`) on a vault (or one of its objects:
   * `scopePath: '/secrets/NAME'`) to a principal, as an ARM role-assignment PUT would; returns
   * the assignment's name. The principal is a token's `oid` (or the token itself; see README).
   */
  assignRole(
    vault: string,
    principalId: string,
    role: RoleDefinition,
    options: { scopePath?: string; name?: string } = {},
  ): string {
    const info = this.vault(vault);
    const name = options.name ?? randomUUID();
    this.#roleAssignments.put({
      name,
      scope: `${info.resourceId}${options.scopePath ?? ''}`,
      roleDefinitionId: roleDefinitionResourceId(info.subscriptionId, role.id),
      principalId,
      principalType: 'ServicePrincipal',
      createdMs: this.#options.clock.now(),
    });
    return name;
  }

  /**
   * Changes throttling at runtime: for one vault (`{ vault }`), or the emulator-wide defaults.
   * Unset fields take Key Vault's defaults, not the previous values.
   */
  setThrottling(options: ThrottlingOptions, scope: { vault?: string } = {}): void {
    this.#throttle.configure(resolveThrottlingOptions(options), scope.vault);
  }

  /** Publishes NearExpiry/Expired events due at the clock's current time; returns how many. */
  checkExpiry(): number {
    return this.#expiry.scan(this.#vaults.entries().map((entry) => entry.endpoint.context));
  }

  /** Stops every endpoint, pending deliveries and timers; removes the temporary CA file. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.eventGrid.stop();
    await this.#vaults.stopAll();
    await this.#arm.stop().catch(() => undefined);
    if (this.#ownsStateDir && this.#caFile)
      await rm(join(this.#caFile, '..'), { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/**
 * Starts the emulator: a fresh CA, ARM on its own HTTPS origin, and one HTTPS origin per vault
 * on 127.0.0.1. Call `stop()` when done.
 */
export function startEmulator(options: EmulatorOptions = {}): Promise<KeyVaultEmulator> {
  return KeyVaultEmulator.start(options);
}
