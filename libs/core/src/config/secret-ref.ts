import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ReplicatorError } from '../errors/errors';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A reference to a secret (webhook URL, SMTP password, client secret): from an environment
 * variable or a file (a mounted Kubernetes Secret). Inline values are refused so they never
 * end up in a values file, a ConfigMap or a log line.
 */
export type SecretRef = { readonly fromEnv: string } | { readonly fromFile: string };

const secretRefObject = z
  .strictObject({
    fromEnv: z.string().regex(ENV_NAME, 'must be an environment variable name').optional(),
    fromFile: z.string().min(1).optional(),
  })
  .refine((ref) => (ref.fromEnv === undefined) !== (ref.fromFile === undefined), {
    message: 'set exactly one of fromEnv or fromFile',
  });

export const secretRefSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (typeof value === 'string' || typeof value === 'number') {
      ctx.addIssue({
        code: 'custom',
        message:
          'inline secret values are not allowed: reference it with { fromEnv: VARIABLE } or { fromFile: /path/to/file }',
        abort: true,
      });
    }
  })
  .pipe(secretRefObject)
  .transform((ref): SecretRef =>
    ref.fromEnv !== undefined ? { fromEnv: ref.fromEnv } : { fromFile: ref.fromFile! },
  );

/** Where secret references are read from; injectable so tests never touch the real env. */
export interface SecretSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): Promise<string>;
}

export const processSecretSource = (
  env: Readonly<Record<string, string | undefined>>,
): SecretSource => ({
  env,
  readFile: (path) => readFile(path, 'utf8'),
});

/**
 * Reads the secret a reference points at. Errors name the key path and the variable or
 * file, never the value. A trailing newline (as `kubectl create secret --from-file` leaves)
 * is dropped.
 */
export async function resolveSecretRef(
  ref: SecretRef,
  keyPath: string,
  source: SecretSource,
): Promise<string> {
  if ('fromEnv' in ref) {
    const value = source.env[ref.fromEnv];
    if (value === undefined || value === '') {
      throw new ReplicatorError(`${keyPath}: environment variable ${ref.fromEnv} is not set`, {
        code: 'SecretRefUnresolved',
        fields: { keyPath, env: ref.fromEnv },
      });
    }
    return value;
  }
  try {
    return (await source.readFile(ref.fromFile)).replace(/\r?\n$/, '');
  } catch (cause) {
    throw new ReplicatorError(`${keyPath}: cannot read secret file ${ref.fromFile}`, {
      code: 'SecretRefUnresolved',
      fields: { keyPath, file: ref.fromFile },
      cause,
    });
  }
}
