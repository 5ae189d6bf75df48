import { randomUUID } from 'node:crypto';
import type { VaultIdentity, VaultObjectType } from '../vault-context';

/** The event types Key Vault publishes to Event Grid. */
export type KeyVaultEventType =
  `Microsoft.KeyVault.${VaultObjectType}${'NewVersionCreated' | 'NearExpiry' | 'Expired'}`;

/** `data` of every Key Vault event: PascalCase, NBF/EXP as Unix seconds or null. */
export interface KeyVaultEventData {
  readonly Id: string;
  readonly VaultName: string;
  readonly ObjectType: VaultObjectType;
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

/** Event Grid schema, one element of the JSON array Event Grid POSTs. */
export function toEventGridSchema(event: KeyVaultEvent): Record<string, unknown> {
  return {
    id: event.id,
    topic: event.topic,
    subject: event.subject,
    eventType: event.eventType,
    eventTime: new Date(event.eventTimeMs).toISOString(),
    data: event.data,
    dataVersion: '1',
    metadataVersion: '1',
  };
}

/** CloudEvents 1.0 structured mode, as Event Grid delivers it. */
export function toCloudEvent(event: KeyVaultEvent): Record<string, unknown> {
  return {
    id: event.id,
    source: event.topic,
    specversion: '1.0',
    type: event.eventType,
    subject: event.subject,
    time: new Date(event.eventTimeMs).toISOString(),
    data: event.data,
  };
}

/** The validation event Event Grid sends first to an EventGrid-schema webhook. */
export function subscriptionValidationEvent(
  topic: string,
  validationCode: string,
  nowMs: number,
): Record<string, unknown> {
  return {
    id: randomUUID(),
    topic,
    subject: '',
    data: { validationCode },
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    eventTime: new Date(nowMs).toISOString(),
    metadataVersion: '1',
    dataVersion: '2',
  };
}
