// Publish→handled throughput and latency of 1 KB envelopes on the Service Bus transport against
// the in-process AMQP test broker (one process: publisher, broker and consumer share the CPU, so
// this measures the transport and SDK overhead, not Azure). Prints one JSON line.
//   node --import tsx libs/bus-servicebus/bench/throughput.ts
// BENCH_DEAD_LETTER_EVERY=N dead-letters every Nth message instead of completing it: the cost of
// settlements that cannot share a tick with completes (settlement-queue.ts); such a run prints
// its line but leaves the recorded results alone.
import { mkdir, writeFile } from 'node:fs/promises';
import { ack, reject } from '@akv-replicator/bus';
import { outcomeEnvelope } from '@akv-replicator/bus/testing';
import { startServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { connectServiceBusBus } from '../src/index';
import { brokerProvisioner } from '../src/testing/broker-support';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 3_000);
const PUBLISH_WINDOW = 64;
const CONSUMER_CONCURRENCY = 64;
const DEAD_LETTER_EVERY = Number(process.env['BENCH_DEAD_LETTER_EVERY'] ?? 0);

const broker = await startServiceBusBroker();
const bus = connectServiceBusBus({
  connectionString: broker.connectionString,
  provisioner: brokerProvisioner(broker),
});
const sentAt = new Map<string, number>();
const latencies: number[] = [];
let finish!: () => void;
const done = new Promise<void>((resolve) => (finish = resolve));
await bus.subscribe(
  'bench',
  { subscription: 'worker', concurrency: CONSUMER_CONCURRENCY },
  async (envelope) => {
    latencies.push(performance.now() - (sentAt.get(envelope.id) ?? performance.now()));
    const handled = latencies.length;
    if (handled === MESSAGES) finish();
    return DEAD_LETTER_EVERY > 0 && handled % DEAD_LETTER_EVERY === 0 ? reject('bench') : ack();
  },
);
const envelopes = Array.from({ length: MESSAGES }, () =>
  outcomeEnvelope(undefined, { padTo: 1024 }),
);
const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: PUBLISH_WINDOW }, async () => {
    while (next < envelopes.length) {
      const envelope = envelopes[next++]!;
      sentAt.set(envelope.id, performance.now());
      await bus.publish('bench', envelope);
    }
  }),
);
const published = performance.now();
await done;
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number): number =>
  Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!);
const result = {
  transport: 'servicebus (test broker, in-process)',
  messages: MESSAGES,
  ...(DEAD_LETTER_EVERY > 0 ? { deadLetterEvery: DEAD_LETTER_EVERY } : {}),
  publishMsgPerSecond: Math.round(MESSAGES / ((published - started) / 1000)),
  endToEndMsgPerSecond: Math.round(MESSAGES / seconds),
  latencyMs: { p50: pct(0.5), p99: pct(0.99), max: Math.round(latencies[latencies.length - 1]!) },
};
console.log(JSON.stringify(result));
// Beside the memory and NATS figures of libs/bus-nats (bench/results/bus-throughput.json).
if (DEAD_LETTER_EVERY === 0) {
  const resultsDir = new URL('../../../bench/results/', import.meta.url);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(
    new URL('bus-servicebus-throughput.json', resultsDir),
    `${JSON.stringify({ ...result, at: new Date().toISOString() }, null, 2)}\n`,
  );
}
await bus.close();
await broker.stop();
