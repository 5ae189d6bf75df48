import { randomBytes, randomUUID } from 'node:crypto';
import type { VaultIdentity, VaultObjectType } from '../vault-context';
import type { KeyVaultPayloadStyle } from './subscription-options';

/** The event types Key Vault publishes to Event Grid. */
export type KeyVaultEventType =
  | `Microsoft.KeyVault.${VaultObjectType}${'NewVersionCreated' | 'NearExpiry' | 'Expired'}`
  | 'Microsoft.KeyVault.VaultAccessPolicyChanged';

/** `data` of every Key Vault event: PascalCase, NBF/EXP as Unix seconds or null. */
export interface KeyVaultEventData {
  readonly Id: string;
  readonly VaultName: string;
  readonly ObjectType: VaultObjectType | 'Vault';
  readonly ObjectName: string;
  readonly Version: string;
  readonly NBF: number | null;
  readonly EXP: number | null;
}

/** A schema-neutral event, rendered per subscription as EventGrid schema or CloudEvents 1.0. */
export interface KeyVaultEvent {
  readonly id: string;
  readonly topic: string;
  readonly subject: string;
  readonly eventType: KeyVaultEventType;
  readonly eventTimeMs: number;
  readonly data: KeyVaultEventData;
}

/** The ARM id Event Grid uses as topic (EventGrid schema) and source (CloudEvents). */
export function vaultTopic(vault: VaultIdentity): string {
  return `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault.name}`;
}

export function createKeyVaultEvent(
  vault: VaultIdentity,
  eventType: KeyVaultEventType,
  data: KeyVaultEventData,
  nowMs: number,
): KeyVaultEvent {
  return {
    id: randomUUID(),
    topic: vaultTopic(vault),
    subject: data.ObjectName,
    eventType,
    eventTimeMs: nowMs,
    data,
  };
}

/**
 * `data` as a subscription's payload style writes it (see {@link KeyVaultPayloadStyle}); the
 * `documented-example` quirks are those of the example on
 * https://learn.microsoft.com/azure/event-grid/event-schema-key-vault.
 */
export function styledData(
  data: KeyVaultEventData,
  style: KeyVaultPayloadStyle = 'numbers',
): Record<string, unknown> {
  const text = (value: number | null) => (value === null ? null : String(value));
  switch (style) {
    case 'numbers':
      return { ...data };
    case 'strings':
      return { ...data, NBF: text(data.NBF), EXP: text(data.EXP) };
    case 'nulls':
      return { ...data, NBF: null, EXP: null };
    case 'documented-example':
      return {
        Id: data.Id,
        VaultName: data.VaultName,
        ObjectType: data.ObjectType,
        'ObjectName ': data.ObjectName,
        Version: ` ${data.Version}`,
        NBF: text(data.NBF),
        EXP: text(data.EXP),
      };
  }
}

/** Event Grid schema, one element of the JSON array Event Grid POSTs. */
export function toEventGridSchema(
  event: KeyVaultEvent,
  style?: KeyVaultPayloadStyle,
): Record<string, unknown> {
  return {
    id: event.id,
    topic: event.topic,
    subject: event.subject,
    eventType: event.eventType,
    eventTime: new Date(event.eventTimeMs).toISOString(),
    data: styledData(event.data, style),
    dataVersion: '1',
    metadataVersion: '1',
  };
}

/** CloudEvents 1.0 structured mode, as Event Grid delivers it. */
export function toCloudEvent(
  event: KeyVaultEvent,
  style?: KeyVaultPayloadStyle,
): Record<string, unknown> {
  return {
    id: event.id,
    source: event.topic,
    specversion: '1.0',
    type: event.eventType,
    subject: event.subject,
    time: new Date(event.eventTimeMs).toISOString(),
    data: styledData(event.data, style),
  };
}

/**
 * The validation event Event Grid sends first to an EventGrid-schema webhook, shaped as the
 * example of https://learn.microsoft.com/azure/event-grid/webhook-event-delivery: `data` holds
 * `validationCode` and `validationUrl` (manual validation: a GET on it within 5 minutes, port
 * 553), `dataVersion` "1". The URL's host is under `.localhost`: nothing outside this machine.
 */
export function subscriptionValidationEvent(
  topic: string,
  validationCode: string,
  nowMs: number,
  subscription = 'subscription',
): Record<string, unknown> {
  const time = new Date(nowMs).toISOString();
  const validationUrl =
    `https://eventgrid.localhost:553/eventsubscriptions/${encodeURIComponent(subscription)}/validate` +
    `?id=${validationCode}&t=${encodeURIComponent(time)}&apiVersion=2018-05-01-preview&token=${randomBytes(8).toString('hex')}`;
  return {
    id: randomUUID(),
    topic,
    subject: '',
    data: { validationCode, validationUrl },
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    eventTime: time,
    metadataVersion: '1',
    dataVersion: '1',
  };
}
