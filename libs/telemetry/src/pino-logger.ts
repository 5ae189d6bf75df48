import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import type { LogFields, Logger } from '@akv-replicator/core';
import { PINO_REDACT_PATHS, REDACTED, scrubFields, scrubText } from './redact';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface PinoLoggerOptions {
  readonly level: LogLevel;
  /** `service` on every line. */
  readonly service?: string;
  /** Where lines go: a function per line (the CLI's stderr) or a pino destination. Default stdout. */
  readonly destination?: ((line: string) => void) | DestinationStream;
}

/**
 * The Logger port as pino JSON lines: `time` (ISO 8601), `level` (a name), `msg`, `service`,
 * `trace_id`/`span_id` of the active span (so a log line links to its trace), then the fields.
 * Secret-named fields and secret-looking text are redacted before pino sees them, and pino's
 * own redaction covers nested paths (see redact.ts; DESIGN principle 2).
 */
export function createPinoLogger(options: PinoLoggerOptions): Logger {
  const destination = options.destination;
  const stream: DestinationStream | undefined =
    typeof destination === 'function'
      ? { write: (line: string) => destination(line.endsWith('\n') ? line.slice(0, -1) : line) }
      : destination;
  const root = pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...PINO_REDACT_PATHS], censor: REDACTED },
      mixin: activeTraceIds,
    },
    stream ?? pino.destination({ dest: 1, sync: true }),
  );
  return wrap(root, options.service ? { service: options.service } : {});
}

function activeTraceIds(): Record<string, string> {
  const span = trace.getSpan(context.active());
  const sc = span?.spanContext();
  if (!sc || !isSpanContextValid(sc)) return {};
  return { trace_id: sc.traceId, span_id: sc.spanId };
}

// Children are made from the root with merged bindings: pino would repeat a key a child
// binds again (`service` of the process, then of one service in it).
function wrap(root: Pino, bindings: Record<string, unknown>): Logger {
  const log = Object.keys(bindings).length > 0 ? root.child(bindings) : root;
  const emit =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      if (!log.isLevelEnabled(level)) return;
      const scrubbed = fields ? scrubFields(fields) : {};
      // pino writes the bindings, then the call's fields: a field named like a binding would be
      // a second `service` in the same line. The call's value wins, on a line of the root.
      if (Object.keys(scrubbed).some((key) => key in bindings))
        root[level]({ ...bindings, ...scrubbed }, scrubText(message));
      else log[level](scrubbed, scrubText(message));
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => wrap(root, { ...bindings, ...scrubFields(fields) }),
  };
}
