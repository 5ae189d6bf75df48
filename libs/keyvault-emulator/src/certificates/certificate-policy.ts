import { errors } from '../errors';
import type { CertificatePolicyWire } from '../storage/vault-store';
import { PEM_CONTENT_TYPE, PKCS12_CONTENT_TYPE } from './x509';

/** Key Vault's defaults for a self-signed certificate. */
export const DEFAULT_VALIDITY_MONTHS = 12;
export const DEFAULT_RSA_KEY_SIZE = 2048;
const SUPPORTED_RSA_SIZES = new Set([2048, 3072, 4096]);
const SUPPORTED_CURVES = new Set(['P-256', 'P-384', 'P-521', 'P-256K']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a policy from a request body, filling in Key Vault's defaults. */
export function normalisePolicy(
  raw: unknown,
  fallback: CertificatePolicyWire = {},
): CertificatePolicyWire {
  const policy = (isObject(raw) ? raw : {}) as CertificatePolicyWire;
  const keyProps = { ...fallback.key_props, ...stripUndefined(policy.key_props) };
  const secretProps = { ...fallback.secret_props, ...stripUndefined(policy.secret_props) };
  const x509 = { ...fallback.x509_props, ...stripUndefined(policy.x509_props) };
  const issuer = { ...fallback.issuer, ...stripUndefined(policy.issuer) };
  const kty = keyProps.kty ?? 'RSA';
  const ec = kty === 'EC' || kty === 'EC-HSM';
  if (!ec && kty !== 'RSA' && kty !== 'RSA-HSM')
    throw errors.badParameter(`Invalid key type ${kty}. Allowed: RSA, RSA-HSM, EC, EC-HSM.`);
  const keySize = ec ? keyProps.key_size : (keyProps.key_size ?? DEFAULT_RSA_KEY_SIZE);
  if (!ec && !SUPPORTED_RSA_SIZES.has(keySize!))
    throw errors.badParameter(
      `Invalid key size ${keySize}. Allowed sizes are 2048, 3072 and 4096.`,
    );
  const crv = ec ? (keyProps.crv ?? 'P-256') : undefined;
  if (crv && !SUPPORTED_CURVES.has(crv))
    throw errors.badParameter(`Invalid curve ${crv}. Allowed: P-256, P-384, P-521, P-256K.`);
  const contentType = secretProps.contentType ?? PKCS12_CONTENT_TYPE;
  if (contentType !== PKCS12_CONTENT_TYPE && contentType !== PEM_CONTENT_TYPE) {
    throw errors.badParameter(
      `Invalid secret content type ${contentType}. Allowed: ${PKCS12_CONTENT_TYPE}, ${PEM_CONTENT_TYPE}.`,
    );
  }
  const validity = x509.validity_months ?? DEFAULT_VALIDITY_MONTHS;
  if (!Number.isInteger(validity) || validity < 1 || validity > 1200)
    throw errors.badParameter(`Invalid validity_months ${validity}.`);
  return {
    key_props: {
      exportable: keyProps.exportable ?? true,
      kty,
      ...(keySize !== undefined ? { key_size: keySize } : {}),
      ...(crv ? { crv } : {}),
      reuse_key: keyProps.reuse_key ?? false,
    },
    secret_props: { contentType },
    x509_props: { ...x509, validity_months: validity },
    lifetime_actions: policy.lifetime_actions ??
      fallback.lifetime_actions ?? [
        { trigger: { lifetime_percentage: 80 }, action: { action_type: 'AutoRenew' } },
      ],
    issuer: { ...issuer, name: issuer.name ?? 'Self' },
  };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value || !isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null),
  ) as Partial<T>;
}
