import { isServiceBusError } from '@azure/service-bus';
import { BusError } from '@akv-replicator/bus';

/** Where a vendor error happened, for the translated error's fields. */
export interface ErrorSite {
  readonly operation: string;
  readonly topic?: string;
  readonly subscription?: string;
}

/**
 * A Service Bus failure in bus terms: `code` is `ServiceBus` + the SDK's reason
 * (`ServiceBusMessagingEntityNotFound`, `ServiceBusUnauthorizedAccess`, ...), `retryable` is the
 * SDK's verdict except for configuration problems (NEVER_RETRYABLE), or the HTTP status for
 * administration calls; the vendor error is the `cause`.
 */
export class ServiceBusTransportError extends BusError {
  override readonly name = 'ServiceBusTransportError';
  /** The SDK's reason code, or the HTTP status of an administration call. */
  readonly reason: string;

  constructor(
    message: string,
    reason: string,
    retryable: boolean,
    site: ErrorSite,
    cause: unknown,
  ) {
    super(message, {
      code: `ServiceBus${reason}`,
      retryable,
      fields: { operation: site.operation, topic: site.topic, subscription: site.subscription },
      cause,
    });
    this.reason = reason;
  }
}

/**
 * Reasons that are configuration problems (wrong rights, missing entity, oversized message): the
 * SDK calls some of them retryable (a token may be refreshed), but retrying a publish for 30 s
 * only hides a misconfiguration, so they fail at once.
 */
const NEVER_RETRYABLE = new Set([
  'UnauthorizedAccess',
  'MessagingEntityNotFound',
  'MessagingEntityDisabled',
  'MessageSizeExceeded',
]);

const RETRYABLE_HTTP = new Set([408, 429, 500, 502, 503, 504]);

/** Translates anything the Service Bus SDK throws; bus errors pass through unchanged. */
export function translateServiceBusError(error: unknown, site: ErrorSite): BusError {
  if (error instanceof BusError) return error;
  // core-amqp's retry rejects with an AggregateError of every attempt: the last one decides.
  if (error instanceof AggregateError && error.errors.length > 0) {
    return translateServiceBusError(error.errors[error.errors.length - 1], site);
  }
  const where = [site.topic, site.subscription].filter(Boolean).join('/');
  const prefix = `Service Bus ${site.operation}${where ? ` on ${where}` : ''} failed`;
  if (isServiceBusError(error)) {
    return new ServiceBusTransportError(
      `${prefix}: ${error.code}: ${error.message}`,
      error.code,
      error.retryable && !NEVER_RETRYABLE.has(error.code),
      site,
      error,
    );
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number') {
    return new ServiceBusTransportError(
      `${prefix}: HTTP ${status}`,
      `Http${status}`,
      RETRYABLE_HTTP.has(status),
      site,
      error,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  // Socket and timeout failures surface as plain errors: worth another attempt.
  return new ServiceBusTransportError(`${prefix}: ${message}`, 'Unknown', true, site, error);
}
