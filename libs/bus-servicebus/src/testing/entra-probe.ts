/**
 * Child process of ../entra.int.test.ts (not a test itself): runs the Config.json scenario with an
 * Entra ID TokenCredential against a TLS test broker. It runs in its own process because the
 * broker's self-signed certificate can only be trusted at start-up (NODE_EXTRA_CA_CERTS).
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { runPreProvisionedScenario } from './broker-support';

/** A TokenCredential serving one fixed token, as a workload identity would serve a real one. */
class FixedTokenCredential implements TokenCredential {
  readonly scopes: string[] = [];
  constructor(private readonly token: string) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

const namespace = process.env['PROBE_NAMESPACE'];
const token = process.env['PROBE_TOKEN'];
if (!namespace || !token) throw new Error('PROBE_NAMESPACE and PROBE_TOKEN are required');
const credential = new FixedTokenCredential(token);
await runPreProvisionedScenario({ fullyQualifiedNamespace: namespace, credential });
console.log(JSON.stringify({ scopes: [...new Set(credential.scopes)] }));
