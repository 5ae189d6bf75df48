/**
 * client-node 1.x refuses an `http://` server unless the cluster says
 * `insecure-skip-tls-verify` (there is no TLS to verify on loopback), so the document sets it.
 *
 * A kubeconfig document (JSON is valid YAML) pointing at the double, with a bearer token when
 * the double requires one — what a test writes to a file for `kubeconfig:` settings.
 */
export function kubeConfigFor(server: string, token?: string, namespace = 'default'): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'double', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'tester', user: token ? { token } : {} }],
    contexts: [{ name: 'double', context: { cluster: 'double', user: 'tester', namespace } }],
    'current-context': 'double',
  });
}
