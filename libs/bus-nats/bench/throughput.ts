// Publish→handled throughput and latency of 1 KB envelopes, memory and NATS JetStream.
// Run with `npm run bench` (libs/bus-nats); writes bench/results/bus-throughput.json at the repo root.
// Per transport: a saturating run (throughput; its latency is mostly queueing) and a paced run
// below saturation (the latency a message sees on a healthy bus). On NATS the publisher is a
// separate process, as the publishing and handling services are in a deployment.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNats } from '@akv-replicator/test-kit';
import { ack, createMemoryBus, type Bus } from '@akv-replicator/bus';
import { connectNatsBus } from '../src/index';
import type { PublishJob } from './publisher';
import { nowMs, publishJob } from './publisher';
import { rawJetStreamMsgPerSecond } from './raw-jetstream';

const MESSAGE_BYTES = 1024;
const SATURATING_MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 20_000);
const PACED_MESSAGES = 3_000;
const PACED_RATE_MSG_PER_S = 1_000;
const PUBLISH_WINDOW = 256; // publishes awaiting their broker ack at once
const CONSUMER_CONCURRENCY = 64;
const NATS_TARGET_MSG_PER_S = 5_000;
const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = resolve(HERE, '../../../bench/results/bus-throughput.json');

interface Phase {
  messages: number;
  seconds: number;
  msgPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}
type Publish = (job: PublishJob) => Promise<Array<[string, number]>>;

const round = (n: number): number => Math.round(n * 100) / 100;

async function phase(consumer: Bus, publish: Publish, job: PublishJob): Promise<Phase> {
  const receivedAt = new Map<string, number>();
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const subscription = await consumer.subscribe(
    job.topic,
    { subscription: job.topic, concurrency: CONSUMER_CONCURRENCY },
    async (envelope) => {
      receivedAt.set(envelope.id, nowMs());
      if (receivedAt.size === job.count) finish();
      return ack();
    },
  );
  const sent = await publish(job);
  await done;
  await subscription.close();
  const latencies = sent
    .map(([id, at]) => (receivedAt.get(id) ?? Number.NaN) - at)
    .sort((a, b) => a - b);
  const first = Math.min(...sent.map(([, at]) => at));
  const last = Math.max(...receivedAt.values());
  const seconds = (last - first) / 1000;
  const at = (p: number): number =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  return {
    messages: job.count,
    seconds: round(seconds),
    msgPerSecond: Math.round(job.count / seconds),
    latencyMs: { p50: at(0.5), p99: at(0.99), max: round(latencies.at(-1) ?? 0) },
  };
}

async function measure(transport: string, consumer: Bus, publish: Publish) {
  const job = { messageBytes: MESSAGE_BYTES, window: PUBLISH_WINDOW };
  try {
    const saturating = await phase(consumer, publish, {
      ...job,
      topic: 'bench-saturating',
      count: SATURATING_MESSAGES,
    });
    const paced = await phase(consumer, publish, {
      ...job,
      topic: 'bench-paced',
      count: PACED_MESSAGES,
      ratePerSecond: PACED_RATE_MSG_PER_S,
    });
    return { transport, saturating, paced: { ...paced, rateMsgPerSecond: PACED_RATE_MSG_PER_S } };
  } finally {
    await consumer.close();
  }
}

function publisherProcess(url: string, prefix: string): Publish {
  return (job) =>
    new Promise((resolvePublish, rejectPublish) => {
      const child = fork(resolve(HERE, 'publisher.ts'), [], { execArgv: ['--import', 'tsx'] });
      child.once('message', (message: { sent: Array<[string, number]> }) =>
        resolvePublish(message.sent),
      );
      child.once('error', rejectPublish);
      child.once(
        'exit',
        (code) => code !== 0 && rejectPublish(new Error(`publisher exited with ${code}`)),
      );
      child.send({ url, prefix, job });
    });
}

const loadBefore = loadavg()[0] ?? 0;
const memory = createMemoryBus();
const runs = [await measure('memory', memory, (job) => publishJob(memory, job))];
const server = await startNats();
let rawBaselineMsgPerSecond: number;
try {
  rawBaselineMsgPerSecond = await rawJetStreamMsgPerSecond(
    server.url,
    SATURATING_MESSAGES,
    MESSAGE_BYTES,
    PUBLISH_WINDOW,
    CONSUMER_CONCURRENCY,
  );
  const consumer = await connectNatsBus({ servers: server.url, prefix: 'bench' });
  runs.push(
    await measure(`nats (${server.origin})`, consumer, publisherProcess(server.url, 'bench')),
  );
} finally {
  await server.stop();
}
const nats = runs.find((run) => run.transport.startsWith('nats'));
const report = {
  measuredAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    loadAverage1mBefore: round(loadBefore),
    loadAverage1mAfter: round(loadavg()[0] ?? 0),
  },
  settings: {
    messageBytes: MESSAGE_BYTES,
    publishWindow: PUBLISH_WINDOW,
    consumerConcurrency: CONSUMER_CONCURRENCY,
    natsPublisher: 'separate process',
  },
  natsTargetMsgPerSecond: NATS_TARGET_MSG_PER_S,
  natsRawJetStreamBaselineMsgPerSecond: rawBaselineMsgPerSecond,
  natsMeetsTarget: (nats?.saturating.msgPerSecond ?? 0) >= NATS_TARGET_MSG_PER_S,
  runs,
};
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
console.table(
  runs.map((run) => ({
    transport: run.transport,
    'msg/s': run.saturating.msgPerSecond,
    'saturated p50/p99 ms': `${run.saturating.latencyMs.p50} / ${run.saturating.latencyMs.p99}`,
    [`at ${PACED_RATE_MSG_PER_S}/s p50/p99 ms`]: `${run.paced.latencyMs.p50} / ${run.paced.latencyMs.p99}`,
  })),
);
console.log(
  `bare nats.js JetStream on the same server (one process, no bus): ${rawBaselineMsgPerSecond} msg/s`,
);
console.log(
  `load average ${report.machine.loadAverage1mBefore} → ${report.machine.loadAverage1mAfter}; written to ${RESULTS}`,
);
if (!report.natsMeetsTarget)
  console.log(`NATS below the ${NATS_TARGET_MSG_PER_S} msg/s target on this run`);
