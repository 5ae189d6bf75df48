/** The ARM view of one vault. */
export interface VaultResource {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly tenantId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly skuName: 'standard' | 'premium';
  /** Other `properties` the client set, echoed back (access policies, flags…). */
  readonly extraProperties: Readonly<Record<string, unknown>>;
  /** `https://127.0.0.1:PORT/` — the data plane origin with Key Vault's trailing slash. */
  readonly vaultUri: string;
}

/** What a client asks for in PUT/PATCH. */
export interface VaultResourceInput {
  readonly location?: string;
  readonly tenantId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly skuName?: 'standard' | 'premium';
  readonly extraProperties?: Readonly<Record<string, unknown>>;
}

/** The port the ARM handlers drive; the emulator implements it (it owns the data planes). */
export interface VaultRegistry {
  list(subscriptionId: string, resourceGroup?: string): readonly VaultResource[];
  /** Subscriptions exist once named in the options or used by a vault PUT. */
  knowsSubscription(subscriptionId: string): boolean;
  /** Vault names are global: true when any subscription uses `name`. */
  isNameTaken(name: string): boolean;
  get(subscriptionId: string, resourceGroup: string, name: string): VaultResource | undefined;
  /** Creates (bringing its data plane up) or updates; `created` tells which. */
  put(
    subscriptionId: string,
    resourceGroup: string,
    name: string,
    input: VaultResourceInput,
  ): Promise<{ vault: VaultResource; created: boolean }>;
  /** Deletes the vault and stops its data plane; false when absent. */
  delete(subscriptionId: string, resourceGroup: string, name: string): Promise<boolean>;
}
