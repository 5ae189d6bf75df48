export { startTelemetry } from './start-telemetry';
export type { Telemetry, TelemetryOptions } from './start-telemetry';
export { createPinoLogger } from './pino-logger';
export type { LogLevel, PinoLoggerOptions } from './pino-logger';
export { REDACTED, isSecretFieldName, scrubFields, scrubText } from './redact';
export { METRIC_NAMES } from '@akv-replicator/core';
