// Publish→handled throughput and latency of 1 KB envelopes, memory and NATS JetStream.
// Run with `npm run bench` (libs/bus); writes bench/results/bus-throughput.json at the repo root.
// Two phases per transport: a saturating run (throughput; latency there is mostly queueing)
// and a paced run at a fixed rate below saturation (latency a message sees on a healthy bus).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeEnvelope } from '@akv-replicator/core';
import { startNats } from '@akv-replicator/test-kit';
import type { Bus } from '../src/index';
import { ack, connectNatsBus, createMemoryBus } from '../src/index';
import { outcomeEnvelope } from '../src/contract/index';

const MESSAGE_BYTES = 1024;
const SATURATING_MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 20_000);
const PACED_MESSAGES = 3_000;
const PACED_RATE_MSG_PER_S = 1_000;
const PUBLISH_WINDOW = 256; // publishes awaiting their broker ack at once
const CONSUMER_CONCURRENCY = 64;
const NATS_TARGET_MSG_PER_S = 5_000;
const RESULTS = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../bench/results/bus-throughput.json',
);

interface Phase {
  messages: number;
  seconds: number;
  msgPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

const round = (n: number): number => Math.round(n * 100) / 100;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function envelopeOfSize(bytes: number): ReturnType<typeof outcomeEnvelope> {
  const base = encodeEnvelope(outcomeEnvelope(undefined, { padTo: 0 })).length;
  return outcomeEnvelope(undefined, { padTo: bytes - base });
}

async function phase(
  bus: Bus,
  topic: string,
  count: number,
  ratePerSecond: number | undefined,
): Promise<Phase> {
  const envelopes = Array.from({ length: count }, () => envelopeOfSize(MESSAGE_BYTES));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const subscription = await bus.subscribe(
    topic,
    { subscription: topic, concurrency: CONSUMER_CONCURRENCY },
    async (envelope) => {
      const start = sentAt.get(envelope.id);
      if (start !== undefined) latencies.push(performance.now() - start);
      if (latencies.length === count) finish();
      return ack();
    },
  );
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PUBLISH_WINDOW }, async () => {
      while (next < envelopes.length) {
        const index = next++;
        if (ratePerSecond !== undefined) {
          const due = started + (index * 1000) / ratePerSecond;
          if (due > performance.now()) await sleep(due - performance.now());
        }
        const envelope = envelopes[index]!;
        sentAt.set(envelope.id, performance.now());
        await bus.publish(topic, envelope);
      }
    }),
  );
  await done;
  const seconds = (performance.now() - started) / 1000;
  await subscription.close();
  latencies.sort((a, b) => a - b);
  const at = (p: number): number =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  return {
    messages: count,
    seconds: round(seconds),
    msgPerSecond: Math.round(count / seconds),
    latencyMs: { p50: at(0.5), p99: at(0.99), max: round(latencies.at(-1) ?? 0) },
  };
}

async function measure(
  transport: string,
  bus: Bus,
): Promise<{ transport: string; saturating: Phase; paced: Phase & { rateMsgPerSecond: number } }> {
  try {
    const saturating = await phase(bus, 'bench-saturating', SATURATING_MESSAGES, undefined);
    const paced = await phase(bus, 'bench-paced', PACED_MESSAGES, PACED_RATE_MSG_PER_S);
    return { transport, saturating, paced: { ...paced, rateMsgPerSecond: PACED_RATE_MSG_PER_S } };
  } finally {
    await bus.close();
  }
}

const loadBefore = loadavg();
const runs = [await measure('memory', createMemoryBus())];
const server = await startNats();
try {
  runs.push(
    await measure(
      `nats (${server.origin})`,
      await connectNatsBus({ servers: server.url, prefix: 'bench' }),
    ),
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
    loadAverage1mBefore: round(loadBefore[0] ?? 0),
    loadAverage1mAfter: round(loadavg()[0] ?? 0),
  },
  settings: {
    messageBytes: MESSAGE_BYTES,
    publishWindow: PUBLISH_WINDOW,
    consumerConcurrency: CONSUMER_CONCURRENCY,
  },
  natsTargetMsgPerSecond: NATS_TARGET_MSG_PER_S,
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
  `load average ${report.machine.loadAverage1mBefore} → ${report.machine.loadAverage1mAfter}; written to ${RESULTS}`,
);
if (!report.natsMeetsTarget)
  console.log(`NATS below the ${NATS_TARGET_MSG_PER_S} msg/s target on this run`);
