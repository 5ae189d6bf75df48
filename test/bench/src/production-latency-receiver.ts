import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An Event Grid webhook (EventGrid schema) that records when each replica version was created. */
export interface ReplicaEventReceiver {
  readonly url: string;
  /** Key Vault's `eventTime` (ms) of each `SecretNewVersionCreated`, by `<vault>/<secret>`. */
  readonly createdAt: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

interface EventGridEvent {
  readonly eventType?: string;
  readonly eventTime?: string;
  readonly data?: { validationCode?: string; VaultName?: string; ObjectName?: string };
}

/**
 * Receives the replica vaults' own events: the replica write time is Key Vault's (the
 * emulator's) timestamp of the new version, not the replicator's report of it. Answers the
 * subscription validation handshake; keeps the first event per secret (Event Grid is
 * at-least-once, a redelivery is not a second write).
 */
export async function startReplicaEventReceiver(): Promise<ReplicaEventReceiver> {
  const createdAt = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EventGridEvent[];
      const validation = events.find(
        (e) => e.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent',
      );
      if (validation) {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ validationResponse: validation.data?.validationCode }));
        return;
      }
      for (const event of events) {
        if (event.eventType !== 'Microsoft.KeyVault.SecretNewVersionCreated') continue;
        const key = `${event.data?.VaultName}/${event.data?.ObjectName}`;
        if (!createdAt.has(key)) createdAt.set(key, Date.parse(event.eventTime ?? ''));
      }
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/replica-events`,
    createdAt,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
