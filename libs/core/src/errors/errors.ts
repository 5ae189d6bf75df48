/**
 * The base of every error akv-replicator raises on purpose. Structured fields let logs,
 * outcomes and notifications say *what* failed (vault, object, reason) without ever
 * carrying a secret value; `retryable` tells a worker whether retrying can help.
 */
export class ReplicatorError extends Error {
  override readonly name: string = 'ReplicatorError';
  /** A stable machine-readable code, e.g. `ConfigInvalid`, `VaultThrottled`. */
  readonly code: string;
  /** Whether the same operation may succeed if tried again later. */
  readonly retryable: boolean;
  /** Identifying context: vault, object name, link, key path — never values. */
  readonly fields: Readonly<Record<string, string | number | boolean | undefined>>;

  constructor(
    message: string,
    options: {
      code: string;
      retryable?: boolean;
      fields?: Record<string, string | number | boolean | undefined>;
      cause?: unknown;
    },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.fields = Object.freeze({ ...options.fields });
  }
}

/** One problem found in a configuration document, located by its key path. */
export interface ConfigIssue {
  /** Dotted key path with array indices, e.g. `links[0].replicas[1].vault`. */
  readonly path: string;
  readonly message: string;
}

/** Invalid configuration: raised at start, lists every problem with its key path. */
export class ConfigError extends ReplicatorError {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const where = source ? ` in ${source}` : '';
    const list = issues
      .map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`)
      .join('\n');
    super(`invalid configuration${where}:\n${list}`, {
      code: 'ConfigInvalid',
      fields: { source },
    });
    this.issues = Object.freeze([...issues]);
  }
}

/** A message that does not match its schema; never retryable (it goes to the dead-letter). */
export class MessageValidationError extends ReplicatorError {
  override readonly name = 'MessageValidationError';

  constructor(reason: string, fields: { type?: string; id?: string } = {}) {
    super(`invalid message: ${reason}`, { code: 'MessageInvalid', retryable: false, fields });
  }
}

/** Type guard usable across package boundaries (instanceof breaks with duplicate copies). */
export function isReplicatorError(error: unknown): error is ReplicatorError {
  return (
    error instanceof Error &&
    typeof (error as Partial<ReplicatorError>).code === 'string' &&
    typeof (error as Partial<ReplicatorError>).retryable === 'boolean'
  );
}
