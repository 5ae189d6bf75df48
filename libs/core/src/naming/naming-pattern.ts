import { vaultNameSchema } from '../messages/refs';

/** Placeholders a naming pattern may use, and what they stand for. */
export const NAMING_PLACEHOLDERS = {
  source_name: 'the source vault name',
  region: 'the replica region, e.g. northeurope',
} as const;
export type NamingPlaceholder = keyof typeof NAMING_PLACEHOLDERS;

/** The seed tool's default: `kv-prod` → `kv-prod-replica`. */
export const DEFAULT_NAMING_PATTERN = '{source_name}-replica';

export type NamingResult = { ok: true; name: string } | { ok: false; reason: string };

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Lists placeholders in `pattern` that are not known, so config validation can name them. */
export function unknownPlaceholders(pattern: string): string[] {
  return [...pattern.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? '')
    .filter((name) => !(name in NAMING_PLACEHOLDERS));
}

/**
 * Resolves a replica vault name from a pattern such as `{source_name}-{region}` and checks the
 * result against Key Vault's naming rules, so a bad pattern fails at config time, not at ARM.
 */
export function resolveNamingPattern(
  pattern: string,
  values: Record<NamingPlaceholder, string>,
): NamingResult {
  const unknown = unknownPlaceholders(pattern);
  if (unknown.length > 0) {
    const allowed = Object.keys(NAMING_PLACEHOLDERS)
      .map((p) => `{${p}}`)
      .join(', ');
    return { ok: false, reason: `unknown placeholder {${unknown[0]}} (allowed: ${allowed})` };
  }
  const name = pattern.replace(PLACEHOLDER, (_, key: NamingPlaceholder) => values[key]);
  if (/[{}]/.test(name)) return { ok: false, reason: `unbalanced braces in "${pattern}"` };
  return checkVaultName(name);
}

/** Checks a vault name against Azure's rules and explains the first rule it breaks. */
export function checkVaultName(name: string): NamingResult {
  if (name.length < 3 || name.length > 24) {
    return { ok: false, reason: `"${name}" is ${name.length} characters; vault names have 3–24` };
  }
  const parsed = vaultNameSchema.safeParse(name);
  if (!parsed.success) {
    return {
      ok: false,
      reason: `"${name}" ${parsed.error.issues[0]?.message ?? 'is not a valid vault name'}`,
    };
  }
  return { ok: true, name };
}
