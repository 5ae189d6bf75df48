/**
 * The topology file of Microsoft's Service Bus emulator (`Config.json`: UserConfig → Namespaces →
 * Queues / Topics → Subscriptions → Rules), read into complete, validated entity settings. The same
 * file therefore configures this broker and the official emulator container.
 */
import { compileSqlFilter, type FilterableMessage } from './sql-filter';

/** Entity properties as written in Config.json (durations are ISO 8601, e.g. `PT1M`). */
export interface EmulatorEntityProperties {
  DeadLetteringOnMessageExpiration?: boolean;
  DefaultMessageTimeToLive?: string;
  DuplicateDetectionHistoryTimeWindow?: string;
  LockDuration?: string;
  MaxDeliveryCount?: number;
  RequiresDuplicateDetection?: boolean;
  RequiresSession?: boolean;
  ForwardTo?: string;
  ForwardDeadLetteredMessagesTo?: string;
}

/** A subscription rule: a correlation filter or a SQL filter. */
export interface EmulatorRule {
  Name: string;
  Properties: {
    FilterType: 'Correlation' | 'Sql';
    CorrelationFilter?: {
      ContentType?: string;
      CorrelationId?: string;
      Label?: string;
      MessageId?: string;
      ReplyTo?: string;
      ReplyToSessionId?: string;
      SessionId?: string;
      To?: string;
      Properties?: Record<string, string | number | boolean>;
    };
    SqlFilter?: { SqlExpression: string };
    Action?: { SqlExpression?: string };
  };
}

/** The emulator's Config.json document. */
export interface EmulatorConfig {
  UserConfig: {
    Namespaces: Array<{
      Name: string;
      Queues?: Array<{ Name: string; Properties?: EmulatorEntityProperties }>;
      Topics?: Array<{
        Name: string;
        Properties?: EmulatorEntityProperties;
        Subscriptions?: Array<{
          Name: string;
          Properties?: EmulatorEntityProperties;
          Rules?: EmulatorRule[];
        }>;
      }>;
    }>;
    Logging?: { Type: string };
  };
}

/** Defaults of the emulator's schema. */
export const DEFAULT_LOCK_DURATION_MS = 60_000;
export const DEFAULT_MAX_DELIVERY_COUNT = 3;
export const DEFAULT_DUPLICATE_WINDOW_MS = 20_000;
export const DEFAULT_MESSAGE_TTL_MS = 3_600_000;

/** Complete settings of one queue or subscription (the parts a receiver observes). */
export interface EntitySettings {
  lockDurationMs: number;
  maxDeliveryCount: number;
  deadLetterOnExpiration: boolean;
  defaultTtlMs: number;
}

/** Complete settings of a queue or topic (the parts a sender observes). */
export interface InboxSettings {
  requiresDuplicateDetection: boolean;
  duplicateWindowMs: number;
}

/** One compiled subscription rule. */
export interface CompiledRule {
  name: string;
  matches: (m: FilterableMessage) => boolean;
}

/** Thrown for a Config.json the broker cannot honour; names the offending key path. */
export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** ISO 8601 duration (days to seconds; fractional seconds allowed for fast tests) → milliseconds. */
export function parseIsoDuration(value: string, path: string): number {
  const match = DURATION.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) {
    throw new BrokerConfigError(path, `"${value}" is not an ISO 8601 duration like PT30S`);
  }
  const [, d, h, m, s] = match;
  return Math.round(
    ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000,
  );
}

export function entitySettings(
  p: EmulatorEntityProperties | undefined,
  path: string,
): EntitySettings {
  const maxDeliveryCount = p?.MaxDeliveryCount ?? DEFAULT_MAX_DELIVERY_COUNT;
  if (!Number.isInteger(maxDeliveryCount) || maxDeliveryCount < 1) {
    throw new BrokerConfigError(`${path}.MaxDeliveryCount`, 'must be an integer >= 1');
  }
  return {
    lockDurationMs: p?.LockDuration
      ? parseIsoDuration(p.LockDuration, `${path}.LockDuration`)
      : DEFAULT_LOCK_DURATION_MS,
    maxDeliveryCount,
    deadLetterOnExpiration: p?.DeadLetteringOnMessageExpiration ?? false,
    defaultTtlMs: p?.DefaultMessageTimeToLive
      ? parseIsoDuration(p.DefaultMessageTimeToLive, `${path}.DefaultMessageTimeToLive`)
      : DEFAULT_MESSAGE_TTL_MS,
  };
}

export function inboxSettings(
  p: EmulatorEntityProperties | undefined,
  path: string,
): InboxSettings {
  return {
    requiresDuplicateDetection: p?.RequiresDuplicateDetection ?? false,
    duplicateWindowMs: p?.DuplicateDetectionHistoryTimeWindow
      ? parseIsoDuration(
          p.DuplicateDetectionHistoryTimeWindow,
          `${path}.DuplicateDetectionHistoryTimeWindow`,
        )
      : DEFAULT_DUPLICATE_WINDOW_MS,
  };
}

const CORRELATION_SYSTEM_FIELDS = {
  ContentType: 'contenttype',
  CorrelationId: 'correlationid',
  Label: 'label',
  MessageId: 'messageid',
  ReplyTo: 'replyto',
  ReplyToSessionId: 'replytosessionid',
  SessionId: 'sessionid',
  To: 'to',
} as const;

/** Compiles one rule; a subscription without rules gets the `$Default` true filter. */
export function compileRule(rule: EmulatorRule, path: string): CompiledRule {
  const props = rule.Properties;
  if (props?.FilterType === 'Sql') {
    const expression = props.SqlFilter?.SqlExpression;
    if (!expression)
      throw new BrokerConfigError(`${path}.Properties.SqlFilter.SqlExpression`, 'is required');
    try {
      return { name: rule.Name, matches: compileSqlFilter(expression) };
    } catch (error) {
      throw new BrokerConfigError(
        `${path}.Properties.SqlFilter.SqlExpression`,
        (error as Error).message,
      );
    }
  }
  if (props?.FilterType === 'Correlation') {
    const filter = props.CorrelationFilter;
    if (!filter || Object.keys(filter).length === 0) {
      throw new BrokerConfigError(
        `${path}.Properties.CorrelationFilter`,
        'needs at least one property',
      );
    }
    const system = Object.entries(CORRELATION_SYSTEM_FIELDS).flatMap(([key, field]) => {
      const expected = filter[key as keyof typeof CORRELATION_SYSTEM_FIELDS];
      return expected === undefined ? [] : [[field, expected] as const];
    });
    const user = Object.entries(filter.Properties ?? {});
    return {
      name: rule.Name,
      matches: (m) =>
        system.every(([field, expected]) => m.system[field] === expected) &&
        user.every(([key, expected]) => m.properties[key] === expected),
    };
  }
  throw new BrokerConfigError(`${path}.Properties.FilterType`, 'must be "Sql" or "Correlation"');
}

/** The rule every subscription has when Config.json lists none (Service Bus's `$Default`). */
export const DEFAULT_RULE: CompiledRule = { name: '$Default', matches: () => true };

/** A Config.json with nothing in it: entities are then only those added programmatically. */
export function emptyConfig(): EmulatorConfig {
  return {
    UserConfig: {
      Namespaces: [{ Name: 'sbemulatorns', Queues: [], Topics: [] }],
      Logging: { Type: 'Console' },
    },
  };
}
