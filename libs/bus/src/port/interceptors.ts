import type { AnyEnvelope, Envelope } from '@akv-replicator/core';
import type { HandlerContext, PublishOptions, PublishReceipt, TraceContext } from './bus';
import type { HandlerResult } from './handler-result';

/** One publish as interceptors see it; an interceptor may pass a changed copy to `next`. */
export interface PublishCall {
  readonly topic: string;
  readonly envelope: Envelope;
  readonly options: PublishOptions;
}

/** One handler invocation as interceptors see it. */
export interface HandleCall {
  readonly envelope: AnyEnvelope;
  readonly context: HandlerContext;
}

/**
 * Cross-cutting code around publish and handle (logging, tracing, metrics), temporal/emmett
 * style. The first interceptor in the list is the outermost. Interceptors must not swallow
 * errors they do not understand: a throw from `handle` means "retry with backoff".
 */
export interface BusInterceptor {
  publish?(
    call: PublishCall,
    next: (call: PublishCall) => Promise<PublishReceipt>,
  ): Promise<PublishReceipt>;
  handle?(
    call: HandleCall,
    next: (call: HandleCall) => Promise<HandlerResult>,
  ): Promise<HandlerResult>;
}

/** Wraps `terminal` in every interceptor's `publish`, outermost first. */
export function composePublish(
  interceptors: readonly BusInterceptor[],
  terminal: (call: PublishCall) => Promise<PublishReceipt>,
): (call: PublishCall) => Promise<PublishReceipt> {
  return interceptors.reduceRight<(call: PublishCall) => Promise<PublishReceipt>>(
    (next, interceptor) => {
      const publish = interceptor.publish?.bind(interceptor);
      return publish ? (call) => publish(call, next) : next;
    },
    terminal,
  );
}

/** Wraps `terminal` in every interceptor's `handle`, outermost first. */
export function composeHandle(
  interceptors: readonly BusInterceptor[],
  terminal: (call: HandleCall) => Promise<HandlerResult>,
): (call: HandleCall) => Promise<HandlerResult> {
  return interceptors.reduceRight<(call: HandleCall) => Promise<HandlerResult>>(
    (next, interceptor) => {
      const handle = interceptor.handle?.bind(interceptor);
      return handle ? (call) => handle(call, next) : next;
    },
    terminal,
  );
}

export interface TraceContextInterceptorOptions {
  /** The caller's active trace context (e.g. from OpenTelemetry's context API). */
  readonly active: () => TraceContext | undefined;
  /** Runs the handler with the publisher's trace context made active (e.g. `context.with`). */
  readonly runWith?: <T>(traceContext: TraceContext, fn: () => Promise<T>) => Promise<T>;
}

/**
 * W3C trace-context propagation point. On publish, an envelope without `traceparent` gets the
 * active one (an explicit envelope `traceparent` always wins); transports then copy the
 * envelope's `traceparent`/`tracestate` to broker headers. On handle, the handler runs inside
 * `runWith(context.traceContext)`. OpenTelemetry plugs in here without the bus depending on it.
 */
export function traceContextInterceptor(options: TraceContextInterceptorOptions): BusInterceptor {
  return {
    publish(call, next) {
      if (call.envelope.traceparent !== undefined) return next(call);
      const active = options.active();
      if (active?.traceparent === undefined) return next(call);
      const envelope = {
        ...call.envelope,
        traceparent: active.traceparent,
        ...(active.tracestate !== undefined ? { tracestate: active.tracestate } : {}),
      } as Envelope;
      return next({ ...call, envelope: Object.freeze(envelope) });
    },
    handle(call, next) {
      const runWith = options.runWith;
      if (!runWith || call.context.traceContext.traceparent === undefined) return next(call);
      return runWith(call.context.traceContext, () => next(call));
    },
  };
}
