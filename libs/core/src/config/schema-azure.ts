import { z } from 'zod';
import { secretRefSchema } from './secret-ref';

/** Azure public cloud endpoints; override them for sovereign clouds or the emulator. */
export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_TENANT_KEY = 'default';

const uuidLike = z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be a GUID');

/**
 * How to authenticate in one tenant. `default` is DefaultAzureCredential (environment,
 * workload identity, managed identity, Azure CLI); the others pin one method.
 */
export const tenantAuthSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('default') }),
  z.strictObject({
    method: z.literal('workload-identity'),
    /** Defaults to AZURE_CLIENT_ID injected by the workload identity webhook. */
    clientId: z.string().min(1).optional(),
    /** Defaults to AZURE_FEDERATED_TOKEN_FILE. */
    tokenFile: z.string().min(1).optional(),
  }),
  z.strictObject({
    method: z.literal('managed-identity'),
    /** A user-assigned identity's client id; omit for the system-assigned identity. */
    clientId: z.string().min(1).optional(),
  }),
  z
    .strictObject({
      method: z.literal('service-principal'),
      clientId: z.string().min(1),
      clientSecret: secretRefSchema.optional(),
      /** PEM file with certificate and private key. */
      clientCertificate: secretRefSchema.optional(),
    })
    .refine((sp) => (sp.clientSecret === undefined) !== (sp.clientCertificate === undefined), {
      message: 'a service principal needs exactly one of clientSecret or clientCertificate',
    }),
]);
export type TenantAuth = z.output<typeof tenantAuthSchema>;

export const tenantSchema = z.strictObject({
  tenantId: uuidLike,
  auth: tenantAuthSchema.default({ method: 'default' }),
  authorityHost: z.url().default(DEFAULT_AUTHORITY_HOST),
  /**
   * Skip Entra instance discovery and authority validation: for an `authorityHost` whose
   * metadata `login.microsoft.com` cannot confirm (private clouds, Azure Stack, no route out).
   * https://learn.microsoft.com/javascript/api/@azure/identity/authorityvalidationoptions
   */
  disableInstanceDiscovery: z.boolean().default(false),
  /**
   * Object (principal) id of the service principal this tenant's credential signs in as. autoCreate
   * assigns it Key Vault Secrets Officer and Certificates Officer on every vault it creates in the
   * tenant (new vaults use Azure RBAC); permission failures name it. Unset: no role is assigned.
   */
  principalId: uuidLike.optional(),
});
export type TenantConfig = z.output<typeof tenantSchema>;

/** Defaults shared by every source and replica unless they say otherwise. */
export const azureSchema = z
  .strictObject({
    /** Key into `tenants` used when a vault names none. */
    defaultTenant: z.string().min(1).default(DEFAULT_TENANT_KEY),
    /** Subscription of source vaults when a source or link names none. */
    sourceSubscriptionId: uuidLike.optional(),
    /** Subscription of replica vaults; defaults to the source's (same-subscription DR). */
    destinationSubscriptionId: uuidLike.optional(),
    armEndpoint: z.url().default(DEFAULT_ARM_ENDPOINT),
    /** Data-plane DNS suffix used to build vault URIs from names. */
    vaultDnsSuffix: z.string().min(1).default('vault.azure.net'),
    /**
     * Talk to the Key Vault emulator instead of Azure: trust its CA and present its static
     * token. Never set this against Azure.
     */
    emulator: z
      .strictObject({
        caFile: z.string().min(1),
        token: z.string().min(1).default('emulator-token'),
      })
      .optional(),
  })
  .prefault({});
export type AzureConfig = z.output<typeof azureSchema>;

export { uuidLike };
