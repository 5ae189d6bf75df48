// Publisher process of the NATS benchmark: a separate client, as in production where the
// publishing service and the handling service are different processes.
import { encodeEnvelope } from '@akv-replicator/core';
import type { Bus } from '@akv-replicator/bus';
import { connectNatsBus } from '../src/index';
import { outcomeEnvelope } from '@akv-replicator/bus/testing';

/** What the benchmark asks of a publisher. */
export interface PublishJob {
  readonly topic: string;
  readonly count: number;
  readonly messageBytes: number;
  readonly window: number;
  /** Paced run: messages per second; omitted = as fast as acknowledgements allow. */
  readonly ratePerSecond?: number;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Publishes `job.count` envelopes of about `job.messageBytes`; returns [id, sentAtMs] pairs. */
export async function publishJob(bus: Bus, job: PublishJob): Promise<Array<[string, number]>> {
  const base = encodeEnvelope(outcomeEnvelope(undefined, { padTo: 0 })).length;
  const envelopes = Array.from({ length: job.count }, () =>
    outcomeEnvelope(undefined, { padTo: job.messageBytes - base }),
  );
  const sent: Array<[string, number]> = [];
  const started = nowMs();
  let next = 0;
  await Promise.all(
    Array.from({ length: job.window }, async () => {
      while (next < envelopes.length) {
        const index = next++;
        if (job.ratePerSecond !== undefined) {
          const wait = started + (index * 1000) / job.ratePerSecond - nowMs();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        const envelope = envelopes[index]!;
        sent.push([envelope.id, nowMs()]);
        await bus.publish(job.topic, envelope);
      }
    }),
  );
  return sent;
}

// Run as a child process: `{ url, prefix, job }` in over IPC, `{ sent }` back.
if (process.send) {
  process.once('message', (message: { url: string; prefix: string; job: PublishJob }) => {
    void (async () => {
      const bus = await connectNatsBus({ servers: message.url, prefix: message.prefix });
      const sent = await publishJob(bus, message.job);
      await bus.close();
      process.send!({ sent }, () => process.exit(0));
    })();
  });
}
