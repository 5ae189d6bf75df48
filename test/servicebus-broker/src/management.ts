/**
 * The `$management` request/response operations `@azure/service-bus` 7.x sends: renew-lock,
 * peek-message, schedule-message, cancel-scheduled-message, receive-by-sequence-number (deferred
 * messages) and update-disposition (settling deferred messages, and the fallback when the
 * receiving link is gone). Responses carry `statusCode` /
 * `statusDescription` application properties, as Service Bus sends them.
 */
import type { Message as AmqpMessage } from 'rhea';
import { MessageLockLostError, MessageNotFoundError } from './entity-errors';
import type { MessageEntity, Settlement } from './message-entity';
import type { BrokerNamespace } from './namespace';
import { lockTokenFromWire, uuidBytes } from './lock-token';
import { longFromWire, toWireMessage } from './wire';
import { decodeMessage, rhea } from './rhea';

/** A management response before it is addressed to the requester. */
export interface ManagementResponse {
  statusCode: number;
  statusDescription: string;
  errorCondition?: string;
  body?: unknown;
}

const ok = (body?: unknown): ManagementResponse => ({
  statusCode: 200,
  statusDescription: 'OK',
  body,
});
const failure = (
  statusCode: number,
  errorCondition: string,
  statusDescription: string,
): ManagementResponse => ({
  statusCode,
  statusDescription,
  errorCondition,
});

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

const DISPOSITIONS: Record<string, Settlement['kind']> = {
  completed: 'complete',
  abandoned: 'abandon',
  defered: 'defer',
  suspended: 'deadLetter',
};

/** Answers one management request addressed to `entityPath/$management`. */
export function handleManagement(
  ns: BrokerNamespace,
  entityPath: string,
  request: AmqpMessage,
): ManagementResponse {
  const operation = request.application_properties?.['operation'] as string | undefined;
  const body = (request.body ?? {}) as Record<string, unknown>;
  try {
    switch (operation) {
      case 'com.microsoft:schedule-message': {
        const sequenceNumbers = asArray(body['messages']).map((entry) => {
          const encoded = (entry as Record<string, unknown>)['message'] as Buffer;
          return ns.send(entityPath, decodeMessage(encoded)) ?? 0;
        });
        return ok({ 'sequence-numbers': rhea.types.wrap_array(sequenceNumbers, 0x81, undefined) });
      }
      case 'com.microsoft:cancel-scheduled-message':
        for (const n of asArray(body['sequence-numbers']))
          ns.cancelScheduled(entityPath, longFromWire(n));
        return ok();
      case 'com.microsoft:renew-lock': {
        const entity = requireEntity(ns, entityPath);
        const expirations = asArray(body['lock-tokens']).map(
          (t) => new Date(entity.renewLock(lockTokenFromWire(t))),
        );
        return ok({ expirations });
      }
      case 'com.microsoft:peek-message': {
        const entity = requireEntity(ns, entityPath);
        const from = longFromWire(body['from-sequence-number']);
        const count = Number(body['message-count'] ?? 1);
        const peeked = entity.peek(from, count);
        if (peeked.length === 0) return { statusCode: 204, statusDescription: 'No Content' };
        return ok({
          messages: peeked.map((d) => ({ message: rhea.message.encode(toWireMessage(d)) })),
        });
      }
      case 'com.microsoft:receive-by-sequence-number': {
        const entity = requireEntity(ns, entityPath);
        const peekLock = Number(body['receiver-settle-mode'] ?? 1) === 1;
        const deliveries = entity.receiveDeferred(
          asArray(body['sequence-numbers']).map(longFromWire),
          peekLock,
        );
        return ok({
          messages: deliveries.map((d) => ({
            message: rhea.message.encode(toWireMessage(d)),
            ...(d.lockToken ? { 'lock-token': rhea.types.wrap_uuid(uuidBytes(d.lockToken)) } : {}),
          })),
        });
      }
      case 'com.microsoft:update-disposition': {
        const entity = requireEntity(ns, entityPath);
        const kind = DISPOSITIONS[String(body['disposition-status'])];
        if (!kind)
          return failure(
            400,
            'amqp:invalid-field',
            `unknown disposition ${String(body['disposition-status'])}`,
          );
        const settlement: Settlement =
          kind === 'deadLetter'
            ? {
                kind,
                reason: body['deadletter-reason'] as string | undefined,
                description: body['deadletter-description'] as string | undefined,
              }
            : { kind };
        for (const t of asArray(body['lock-tokens']))
          entity.settle(lockTokenFromWire(t), settlement);
        return ok();
      }
      default:
        return failure(
          501,
          'amqp:not-implemented',
          `operation ${String(operation)} is not supported by this test broker`,
        );
    }
  } catch (error) {
    if (error instanceof MessageLockLostError) return failure(410, error.condition, error.message);
    if (error instanceof MessageNotFoundError) return failure(404, error.condition, error.message);
    if (error instanceof EntityNotFound) return failure(404, 'amqp:not-found', error.message);
    return failure(500, 'amqp:internal-error', (error as Error).message);
  }
}

class EntityNotFound extends Error {
  override readonly name = 'EntityNotFound';
}

function requireEntity(ns: BrokerNamespace, path: string): MessageEntity {
  const entity = ns.entity(path);
  if (!entity) throw new EntityNotFound(`The messaging entity '${path}' could not be found.`);
  return entity;
}
