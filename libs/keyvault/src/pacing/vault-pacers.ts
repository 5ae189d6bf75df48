import { VaultPacer, type VaultPacerOptions } from './vault-pacer';

/**
 * One VaultPacer per vault endpoint, shared by every store that talks to that vault (secrets
 * and certificates count against the same Key Vault budget).
 */
export class VaultPacers {
  private readonly pacers = new Map<string, VaultPacer>();

  constructor(private readonly limits: VaultPacerOptions) {}

  /** The pacer of the vault at `uri` (endpoints compare case-insensitively). */
  for(vaultName: string, uri: string): VaultPacer {
    const key = uri.toLowerCase().replace(/\/+$/, '');
    let pacer = this.pacers.get(key);
    if (!pacer) {
      pacer = new VaultPacer(vaultName, this.limits);
      this.pacers.set(key, pacer);
    }
    return pacer;
  }
}
