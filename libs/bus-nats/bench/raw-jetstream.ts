// Baseline for the NATS numbers: bare nats.js JetStream (no envelope, no bus) on the same server,
// same message size, publish window and pull size. Tells what the broker and client allow on this
// machine at this moment, so the bus figure can be read against it.
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export async function rawJetStreamMsgPerSecond(
  url: string,
  count: number,
  bytes: number,
  window: number,
  pull: number,
): Promise<number> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'raw-baseline', subjects: ['raw-baseline.>'] });
    await jsm.consumers.add('raw-baseline', {
      durable_name: 'raw',
      ack_policy: AckPolicy.Explicit,
    });
    const js = jetstream(nc);
    const messages = await (
      await js.consumers.get('raw-baseline', 'raw')
    ).consume({ max_messages: pull });
    let received = 0;
    const done = new Promise<void>((resolve) => {
      void (async () => {
        for await (const message of messages) {
          message.ack();
          if (++received === count) resolve();
        }
      })();
    });
    const body = new Uint8Array(bytes).fill(120);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: window }, async () => {
        while (next < count) await js.publish('raw-baseline.x', body, { msgID: `raw-${next++}` });
      }),
    );
    await done;
    messages.stop();
    return Math.round(count / ((performance.now() - started) / 1000));
  } finally {
    await nc.close();
  }
}
