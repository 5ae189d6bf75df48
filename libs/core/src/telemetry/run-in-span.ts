import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

/**
 * Runs `fn` as the active span `name`, for work no message started (a scheduled reconcile), so
 * everything it does — listings, the tasks it publishes — forms one trace. A no-op without an
 * OpenTelemetry SDK. Attributes name things, never values.
 */
export function runInSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  return trace.getTracer('akv-replicator').startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}
