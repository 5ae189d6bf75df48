import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MessageValidationError } from '../errors/errors';
import { formatIssuePath } from '../config/issue-path';
import {
  certificateTaskDataSchema,
  outcomeDataSchema,
  resyncCommandDataSchema,
  secretTaskDataSchema,
  vaultEventDataSchema,
} from './data';

/** CloudEvents `type` of every message on the bus, with the schema of its `data`. */
export const MESSAGE_SCHEMAS = {
  'akv.vault.event.v1': vaultEventDataSchema,
  'akv.resync.command.v1': resyncCommandDataSchema,
  'akv.secret.task.v1': secretTaskDataSchema,
  'akv.certificate.task.v1': certificateTaskDataSchema,
  'akv.outcome.v1': outcomeDataSchema,
} as const;

export type MessageType = keyof typeof MESSAGE_SCHEMAS;
export type MessageData<T extends MessageType> = z.output<(typeof MESSAGE_SCHEMAS)[T]>;
export type MessageDataInput<T extends MessageType> = z.input<(typeof MESSAGE_SCHEMAS)[T]>;

/** The bus destinations (Service Bus topics, JetStream subjects' first token). */
export const TOPICS = {
  vaultEvents: 'vault-events',
  resyncCommands: 'resync-commands',
  secretTasks: 'secret-tasks',
  certificateTasks: 'certificate-tasks',
  outcomes: 'outcomes',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** W3C trace context: `version-traceid-parentid-flags`. */
const TRACEPARENT_PATTERN = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

const envelopeHeaderSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  time: z.iso.datetime({ offset: true }).optional(),
  datacontenttype: z.literal('application/json').optional(),
  subject: z.string().optional(),
  traceparent: z.string().regex(TRACEPARENT_PATTERN).optional(),
  tracestate: z.string().optional(),
  data: z.unknown(),
});

/**
 * A CloudEvents 1.0 structured-mode JSON envelope with the W3C distributed-tracing extension
 * (`traceparent`, `tracestate`). `id` is the de-duplication key for every broker.
 */
export interface Envelope<T extends MessageType = MessageType> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: T;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly subject?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly data: MessageData<T>;
}

/** Any valid envelope, discriminated by `type`. */
export type AnyEnvelope = { [T in MessageType]: Envelope<T> }[MessageType];

export interface CreateEnvelopeOptions {
  /** De-duplication id; defaults to a random UUID. Use a stable id for idempotent publishes. */
  id?: string;
  /** Producer, e.g. `/akv-replicator/discovery`. */
  source: string;
  subject?: string;
  traceparent?: string;
  tracestate?: string;
  time?: Date;
}

/** Builds a validated envelope; throws MessageValidationError when `data` breaks its schema. */
export function createEnvelope<T extends MessageType>(
  type: T,
  data: MessageDataInput<T>,
  options: CreateEnvelopeOptions,
): Envelope<T> {
  const id = options.id ?? randomUUID();
  const parsed = MESSAGE_SCHEMAS[type].safeParse(data);
  if (!parsed.success) {
    throw new MessageValidationError(describeIssues(parsed.error), { type, id });
  }
  return Object.freeze({
    specversion: '1.0',
    id,
    source: options.source,
    type,
    time: (options.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    ...(options.traceparent !== undefined ? { traceparent: options.traceparent } : {}),
    ...(options.tracestate !== undefined ? { tracestate: options.tracestate } : {}),
    data: parsed.data as MessageData<T>,
  }) as Envelope<T>;
}

/**
 * Validates a message at the transport boundary: bytes, a JSON string or an object in,
 * a typed envelope out. Throws MessageValidationError naming what is wrong (never the data).
 */
export function parseEnvelope(raw: Uint8Array | string | unknown): AnyEnvelope {
  let value: unknown = raw;
  if (raw instanceof Uint8Array) value = new TextDecoder().decode(raw);
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new MessageValidationError('body is not JSON');
    }
  }
  const header = envelopeHeaderSchema.safeParse(value);
  if (!header.success) {
    throw new MessageValidationError(
      `not a CloudEvents 1.0 envelope: ${describeIssues(header.error)}`,
    );
  }
  const { type, id } = header.data;
  if (!(type in MESSAGE_SCHEMAS)) {
    throw new MessageValidationError(`unknown message type "${type}"`, { type, id });
  }
  const data = MESSAGE_SCHEMAS[type as MessageType].safeParse(header.data.data);
  if (!data.success) {
    throw new MessageValidationError(`data of ${type}: ${describeIssues(data.error)}`, {
      type,
      id,
    });
  }
  return Object.freeze({
    ...header.data,
    time: header.data.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    data: data.data,
  }) as AnyEnvelope;
}

/** Serialises an envelope for the wire. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(envelope));
}

// Paths and messages only: zod's default messages never echo the received value for
// string/regex checks, which keeps secret-looking data out of dead-letter reasons.
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${formatIssuePath(issue.path) || '(root)'}: ${issue.message}`)
    .join('; ');
}
