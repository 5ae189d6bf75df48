import { parseEnvelope, type AnyEnvelope } from '@akv-replicator/core';
import type { Publisher } from '@akv-replicator/bus';

/** Records what reached the bus, as a transport would carry it (serialised, validated). */
export class RecordingPublisher implements Publisher {
  readonly published: { topic: string; envelope: AnyEnvelope }[] = [];
  failing = false;

  async publish(topic: string, envelope: Parameters<Publisher['publish']>[1]) {
    if (this.failing) throw new Error('connection refused');
    this.published.push({ topic, envelope: parseEnvelope(JSON.parse(JSON.stringify(envelope))) });
    return { duplicate: false };
  }

  vaultEvents() {
    return this.published.flatMap((p) =>
      p.envelope.type === 'akv.vault.event.v1' ? [p.envelope.data] : [],
    );
  }

  resyncCommands() {
    return this.published.flatMap((p) =>
      p.envelope.type === 'akv.resync.command.v1' ? [p.envelope.data] : [],
    );
  }

  outcomes() {
    return this.published.flatMap((p) =>
      p.envelope.type === 'akv.outcome.v1' ? [p.envelope.data] : [],
    );
  }
}
