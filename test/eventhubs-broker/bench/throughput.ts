// Send → receive throughput of 1 KB events through the unmodified @azure/event-hubs against the
// in-process test broker (one process: producer, broker and consumer share the CPU, so this
// measures the broker and SDK overhead, not Azure). Batches of BATCH events go round-robin over
// the hub's partitions; one EventHubConsumerClient reads every partition. Prints one JSON line and
// writes bench/results/eventhubs-broker-throughput.json.
//   npm run bench -w @akv-replicator/eventhubs-broker
import { mkdir, writeFile } from 'node:fs/promises';
import {
  EventHubConsumerClient,
  EventHubProducerClient,
  earliestEventPosition,
} from '@azure/event-hubs';
import { startEventHubsBroker } from '../src/index';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const BATCH = 100;
const PARTITIONS = 4;
const SENDERS = 8;
const PAYLOAD = 'x'.repeat(1024);

const broker = await startEventHubsBroker({
  hubs: [{ name: 'bench', partitionCount: PARTITIONS }],
});
const producer = new EventHubProducerClient(broker.connectionString('bench'));
const consumer = new EventHubConsumerClient('$Default', broker.connectionString('bench'));
await producer.getEventHubProperties(); // connection, CBS and management link up before timing

const latencies: number[] = [];
let received = 0;
let finish!: () => void;
const done = new Promise<void>((resolve) => (finish = resolve));
const subscription = consumer.subscribe(
  {
    processEvents: async (events) => {
      const now = Date.now();
      for (const event of events) latencies.push(now - (event.properties?.['sentAt'] as number));
      received += events.length;
      if (received >= EVENTS) finish();
    },
    processError: async () => undefined,
  },
  { startPosition: earliestEventPosition, maxBatchSize: 500, maxWaitTimeInSeconds: 0.05 },
);

const started = performance.now();
// Several sends in flight, as a busy producer has: one at a time would measure the 40 ms
// Nagle/delayed-ACK stall of each request on loopback rather than the broker.
let next = 0;
await Promise.all(
  Array.from({ length: SENDERS }, async () => {
    while (next < EVENTS) {
      const count = Math.min(BATCH, EVENTS - next);
      next += count;
      const batch = await producer.createBatch();
      const sentAt = Date.now();
      for (let i = 0; i < count; i++) {
        if (!batch.tryAdd({ body: PAYLOAD, properties: { sentAt } }))
          throw new Error('a 1 KB event did not fit an empty batch');
      }
      await producer.sendBatch(batch);
    }
  }),
);
const published = performance.now();
await done;
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number): number =>
  latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
const result = {
  target: '@akv-replicator/eventhubs-broker (in-process) through @azure/event-hubs 6.0.4',
  events: EVENTS,
  eventBytes: PAYLOAD.length,
  batchSize: BATCH,
  concurrentSends: SENDERS,
  partitions: PARTITIONS,
  sendEventsPerSecond: Math.round(EVENTS / ((published - started) / 1000)),
  endToEndEventsPerSecond: Math.round(received / seconds),
  latencyMs: { p50: pct(0.5), p99: pct(0.99), max: latencies[latencies.length - 1]! },
};
console.log(JSON.stringify(result));
const resultsDir = new URL('../../../bench/results/', import.meta.url);
await mkdir(resultsDir, { recursive: true });
await writeFile(
  new URL('eventhubs-broker-throughput.json', resultsDir),
  `${JSON.stringify({ ...result, at: new Date().toISOString() }, null, 2)}\n`,
);
await subscription.close();
await consumer.close();
await producer.close();
await broker.stop();
