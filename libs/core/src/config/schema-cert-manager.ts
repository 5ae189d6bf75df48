import { z } from 'zod';

/** The annotation cert-manager puts on every Secret it manages. */
export const DEFAULT_CERT_MANAGER_ANNOTATION = 'cert-manager.io/certificate-name';
export const DEFAULT_LEASE_NAME = 'akv-replicator-cert-manager';
/** A holder that has not renewed for this long loses the lease to the next candidate. */
export const DEFAULT_LEASE_DURATION_SECONDS = 15;
/** How often the holder renews (and a candidate retries); well inside the duration. */
export const DEFAULT_LEASE_RENEW_SECONDS = 5;

const kubernetesName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes name (lowercase, digits, -)')
  .max(63);

/**
 * cert-manager → Key Vault: watch `kubernetes.io/tls` Secrets carrying the annotation and
 * import each into one Key Vault as a certificate (then replicated like any other). Absent:
 * the certificate-converter does not talk to Kubernetes at all.
 */
export const certManagerSchema = z
  .strictObject({
    /** kubeconfig file; omitted: the in-cluster service account (KUBERNETES_SERVICE_HOST). */
    kubeconfig: z.string().min(1).optional(),
    /** Context in the kubeconfig; default: its current context. */
    context: z.string().min(1).optional(),
    /** Namespaces to watch; empty (default): all namespaces. */
    namespaces: z.array(kubernetesName).default([]),
    /** Only Secrets with this annotation are imported. */
    annotation: z.string().min(1).default(DEFAULT_CERT_MANAGER_ANNOTATION),
    /** Key Vault that receives the certificates (by name, in `azure.vaultDnsSuffix`). */
    vault: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, 'must be a Key Vault name (3–24 chars)'),
    /** The vault's data-plane URI; default: `https://<vault>.<azure.vaultDnsSuffix>`. */
    vaultUri: z.url().optional(),
    /** Key into `tenants`; default: `azure.defaultTenant`. */
    tenant: z.string().min(1).optional(),
    /** Prepended to every certificate name (`<prefix><namespace>--<name>`). */
    namePrefix: z
      .string()
      .regex(/^[0-9a-zA-Z-]*$/, 'may hold only 0-9, a-z, A-Z and -')
      .max(40)
      .default(''),
    /** PEM keeps any key type; PFX is written for RSA keys (EC keys stay PEM, with a warning). */
    format: z.enum(['PEM', 'PFX']).default('PEM'),
    /** A deleted Secret: keep the certificate (default, logged), disable it, or soft-delete it. */
    onDelete: z.enum(['keep', 'disable', 'delete']).default('keep'),
    /** Leader election: only the holder of this Lease imports. */
    lease: z
      .strictObject({
        name: kubernetesName.default(DEFAULT_LEASE_NAME),
        /** Default: the service account's namespace in-cluster, else `default`. */
        namespace: kubernetesName.optional(),
        durationSeconds: z.int().min(2).default(DEFAULT_LEASE_DURATION_SECONDS),
        renewSeconds: z.int().min(1).default(DEFAULT_LEASE_RENEW_SECONDS),
      })
      .prefault({})
      .refine((lease) => lease.renewSeconds < lease.durationSeconds, {
        message: 'renewSeconds must be shorter than durationSeconds',
        path: ['renewSeconds'],
      }),
  })
  .optional();
export type CertManagerConfig = NonNullable<z.output<typeof certManagerSchema>>;
