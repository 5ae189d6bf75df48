import type { KubeObject } from './status';

export interface TlsSecretObjectInput {
  readonly namespace: string;
  readonly name: string;
  /** PEM: the private key. */
  readonly key: string;
  /** PEM: the leaf, then its chain, as cert-manager writes `tls.crt`. */
  readonly certificateChain: string;
  /** PEM: the issuing CA (`ca.crt`), when the issuer provides one. */
  readonly ca?: string;
  /** cert-manager's Certificate name; default: `<name>` (omit with `null`). */
  readonly certificateName?: string | null;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A `kubernetes.io/tls` Secret as cert-manager writes it (annotations, base64 data). */
export function tlsSecretObject(input: TlsSecretObjectInput): KubeObject {
  const certificateName = input.certificateName === undefined ? input.name : input.certificateName;
  return {
    metadata: {
      namespace: input.namespace,
      name: input.name,
      annotations: {
        ...(certificateName ? { 'cert-manager.io/certificate-name': certificateName } : {}),
        ...input.annotations,
      },
      ...(input.labels ? { labels: { ...input.labels } } : {}),
    },
    type: 'kubernetes.io/tls',
    data: {
      'tls.key': b64(input.key),
      'tls.crt': b64(input.certificateChain),
      ...(input.ca ? { 'ca.crt': b64(input.ca) } : {}),
    },
  };
}
