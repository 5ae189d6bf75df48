import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { loadConfigText } from '@akv-replicator/core';
import { createCredentials } from './credentials';

// tenants.<key>.authorityHost and .disableInstanceDiscovery: a credential built from the
// configuration asks the configured authority — here a loopback Entra double over HTTPS that
// records each request — for its token. MSAL reads the tenant's OpenID metadata
// (`/<tenant>/v2.0/.well-known/openid-configuration`) and posts to its token endpoint
// (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow).

const LINK =
  'links: [{ name: l, source: { vault: kv-a }, replicas: [{ vault: kv-b, region: a }] }]\n';
const SP_TENANT = '00000000-0000-0000-0000-00000000000a';
const WI_TENANT = '00000000-0000-0000-0000-00000000000b';
const SCOPE = 'https://vault.azure.net/.default';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly form: URLSearchParams;
}

const dir = mkdtempSync(join(tmpdir(), 'akvr-authority-'));
const requests: Recorded[] = [];
let server: Server;
let authorityHost: string;

before(async () => {
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1'],
      ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  // MSAL accepts only https authorities; this test process trusts the double's certificate.
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert]);
  server = createServer({ cert, key: readFileSync(join(dir, 'key.pem')) }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://localhost').pathname;
      requests.push({ method: req.method ?? '', path, form: new URLSearchParams(body) });
      const tenant = path.split('/')[1] ?? '';
      const base = `${authorityHost}/${tenant}`;
      res.setHeader('content-type', 'application/json');
      if (path.endsWith('/v2.0/.well-known/openid-configuration')) {
        res.end(
          JSON.stringify({
            issuer: `${base}/v2.0`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            token_endpoint: `${base}/oauth2/v2.0/token`,
            jwks_uri: `${base}/discovery/v2.0/keys`,
          }),
        );
      } else if (path.endsWith('/oauth2/v2.0/token') && req.method === 'POST') {
        res.end(
          JSON.stringify({
            token_type: 'Bearer',
            expires_in: 3600,
            ext_expires_in: 3600,
            access_token: `token-for-${tenant}`,
            scope: SCOPE,
          }),
        );
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authorityHost = `https://localhost:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const credentialsFor = (tenants: string, env: Record<string, string> = {}) =>
  createCredentials(loadConfigText(`${LINK}tenants:\n${tenants}`, { env: {} }).config, {
    env,
    readFile: (path) => Promise.resolve(readFileSync(path, 'utf8')),
  });
const tokenRequests = (tenant: string) =>
  requests.filter((r) => r.method === 'POST' && r.path === `/${tenant}/oauth2/v2.0/token`);

describe('tenants.<key>.authorityHost', () => {
  it('sends a service principal’s token request to the configured authority', async () => {
    const credentialFor = await credentialsFor(
      `  default: { tenantId: ${SP_TENANT}, authorityHost: '${authorityHost}', disableInstanceDiscovery: true, auth: { method: service-principal, clientId: sp-client, clientSecret: { fromEnv: SP_SECRET } } }\n`,
      { SP_SECRET: 'sp-secret' },
    );
    const token = await credentialFor(undefined).getToken(SCOPE);
    assert.equal(token?.token, `token-for-${SP_TENANT}`);
    const [request, ...more] = tokenRequests(SP_TENANT);
    assert.equal(more.length, 0);
    assert.equal(request?.form.get('client_id'), 'sp-client');
    assert.equal(request?.form.get('grant_type'), 'client_credentials');
    assert.equal(request?.form.get('client_secret'), 'sp-secret');
  });

  it('sends a workload identity’s federated token to the configured authority', async () => {
    const tokenFile = join(dir, 'federated-token');
    writeFileSync(tokenFile, 'federated-assertion');
    const credentialFor = await credentialsFor(
      `  default: { tenantId: ${WI_TENANT}, authorityHost: '${authorityHost}', disableInstanceDiscovery: true, auth: { method: workload-identity, clientId: wi-client, tokenFile: '${tokenFile}' } }\n`,
    );
    const token = await credentialFor(undefined).getToken(SCOPE);
    assert.equal(token?.token, `token-for-${WI_TENANT}`);
    const [request] = tokenRequests(WI_TENANT);
    assert.equal(request?.form.get('client_id'), 'wi-client');
    assert.equal(request?.form.get('client_assertion'), 'federated-assertion');
  });
});

describe('tenants.<key>.disableInstanceDiscovery', () => {
  it('defaults to instance discovery, which cannot vouch for an unknown authority: nothing is asked of it', async () => {
    const tenant = '00000000-0000-0000-0000-00000000000c';
    const credentialFor = await credentialsFor(
      `  default: { tenantId: ${tenant}, authorityHost: '${authorityHost}', auth: { method: service-principal, clientId: sp-client, clientSecret: { fromEnv: SP_SECRET } } }\n`,
      { SP_SECRET: 'sp-secret' },
    );
    await assert.rejects(credentialFor(undefined).getToken(SCOPE));
    assert.deepEqual(
      requests.filter((r) => r.path.startsWith(`/${tenant}/`)),
      [],
      'the authority was neither asked for metadata nor for a token',
    );
  });
});
