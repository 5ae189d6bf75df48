export type {
  SecretAttributes,
  SecretItem,
  SecretVersionInfo,
  SecretWithValue,
  DeletedSecretInfo,
  SecretWrite,
} from './model';
export { VaultError, isVaultError } from './errors';
export type { VaultErrorKind, PermissionProblem } from './errors';
export { describeIdentity, parseForbiddenMessage } from './permissions/identity';
export type { IdentityHint } from './permissions/identity';
export {
  requiredRole,
  REPLICA_ROLES,
  KEY_VAULT_SECRETS_USER,
  KEY_VAULT_SECRETS_OFFICER,
  KEY_VAULT_CERTIFICATE_USER,
  KEY_VAULT_CERTIFICATES_OFFICER,
} from './permissions/required-role';
export type { VaultOperation, BuiltInRole } from './permissions/required-role';
export type { SecretStore } from './secret-store';
export { MemorySecretStore } from './memory/memory-secret-store';
export type { MemorySecretStoreOptions } from './memory/memory-secret-store';
export { SlidingWindow } from './pacing/sliding-window';
export {
  VaultPacer,
  VaultThrottledError,
  KEY_VAULT_WINDOW_MS,
  DEFAULT_THROTTLE_BACKOFF_MS,
  DEFAULT_BACKOFF_JITTER,
} from './pacing/vault-pacer';
export type { VaultPacerOptions, RequestKind } from './pacing/vault-pacer';
export { LIST_PAGE_SIZE } from './pacing/paced-store';
export { pacedSecretStore } from './pacing/paced-secret-store';
export { AzureSecretStore } from './azure/azure-secret-store';
export { DEFAULT_RECOVER_POLL_MS } from './azure/client-requests';
export type { AzureStoreOptions } from './azure/client-requests';
export { translateError } from './azure/translate-error';
export type { TranslateContext } from './azure/translate-error';
export { SubscriptionBudget, SUBSCRIPTION_LIMIT_MULTIPLIER } from './pacing/subscription-budget';
export type { SubscriptionScope, WindowLimits } from './pacing/subscription-budget';
export { sameAttributes } from './same-attributes';
export {
  MemoryVaultDirectory,
  applyTagChange,
  parseVaultResourceId,
} from './directory/vault-directory';
export type {
  VaultDirectory,
  VaultCreateSpec,
  VaultRef,
  VaultTagChange,
} from './directory/vault-directory';
export {
  MAX_ARM_TAG_VALUE_LENGTH,
  PROMOTED_AT_TAG,
  PROMOTED_FROM_TAG,
  PROMOTED_SERVES_TAG,
  PROMOTION_TAGS,
  promotionTags,
  readPromotion,
} from './directory/promotion-tags';
export type { Promotion } from './directory/promotion-tags';
export { ArmVaultDirectory } from './directory/arm-vault-directory';
export { createSecretStoreProvider } from './azure/secret-store-provider';
export type { VaultAddress, SecretStoreProviderOptions } from './azure/secret-store-provider';
export { PKCS12_CONTENT_TYPE, PEM_CONTENT_TYPE } from './certificates/certificate-model';
export type {
  CertificateContentType,
  CertificateLifetimeAction,
  SubjectAlternativeNames,
  CertificatePolicyModel,
  CertificateItem,
  CertificateVersionInfo,
  CertificateWithPolicy,
  CertificateSecret,
  CertificateImport,
  CertificatePropertiesWrite,
  DeletedCertificateInfo,
} from './certificates/certificate-model';
export type { CertificateStore } from './certificates/certificate-store';
export {
  readCertificateMaterial,
  thumbprintOf,
  CertificateMaterialError,
} from './certificates/certificate-material';
export type {
  CertificateMaterial,
  CertificateMaterialProblem,
} from './certificates/certificate-material';
export { MemoryCertificateStore } from './certificates/memory-certificate-store';
export type { CertificateSeed } from './certificates/memory-certificate-store';
export { AzureCertificateStore } from './certificates/azure-certificate-store';
export { pacedCertificateStore } from './pacing/paced-certificate-store';
export { VaultPacers } from './pacing/vault-pacers';
export { VaultSharePlan, DISCOVERY_WEIGHT } from './pacing/vault-shares';
export type { HostedRoles, RoleShares, WorkerService } from './pacing/vault-shares';
export { createCertificateStoreProvider } from './certificates/certificate-store-provider';
export type { CertificateStoreProviderOptions } from './certificates/certificate-store-provider';
