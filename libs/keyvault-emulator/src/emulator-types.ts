/** One vault as `KeyVaultEmulator.vault()` describes it. */
export interface VaultInfo {
  readonly name: string;
  /** Data-plane origin, `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly region: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly tenantId: string;
  readonly tags: Readonly<Record<string, string>>;
  /** ARM id; also the Event Grid topic of its events. */
  readonly resourceId: string;
}

/** SDK client options that trust the emulator's CA and accept its 127.0.0.1 challenge. */
export interface EmulatorClientOptions {
  readonly tlsOptions: { readonly ca: string };
  readonly disableChallengeResourceVerification: true;
}
