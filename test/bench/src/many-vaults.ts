import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFile } from 'node:fs/promises';
import {
  createEnvelope,
  DEFAULT_REPLICA_SHARE,
  DEFAULT_SOURCE_SHARE,
  TOPICS,
  type OutcomeData,
} from '@akv-replicator/core';
import { startNats } from '@akv-replicator/test-kit';
import { REPLICAS, RequestCounter, startBenchPipeline, type BenchPipeline } from './bench-stack';
import {
  manyVaultsSelection,
  nextWindow,
  seedSources,
  sourceNames,
  startManyVaultsEmulator,
  throttleBoundSeconds,
} from './many-vaults-world';
import { round, writeResult } from './results';
import { discoveryReconcileRss } from './rss-discovery';
import { LIST_PAGE, waitFor } from './resync-vs-limit';

const SHARES = { source: DEFAULT_SOURCE_SHARE, replica: DEFAULT_REPLICA_SHARE };

/**
 * Hundreds of vaults (issue #21): `sourceCount` source vaults in westeurope, each replicated to
 * three regions, the sources selected through ARM (`selectionMode: all` over a resource group,
 * replicas named by a pattern), the emulator in its own process at Key Vault's real limits
 * including the subscription-wide one. Measures discovery's peak RSS as deployed while it fans
 * out every task, then the full resync in one process (discovery + replicators, default shares)
 * against the throttle-bound minimum, then a no-op reconcile's requests.
 */
export async function benchManyVaults(sourceCount: number, perVault: number): Promise<void> {
  const sources = sourceNames(sourceCount);
  const pairs = sourceCount * perVault * REPLICAS.length;
  const emulator = await startManyVaultsEmulator(sources);
  const selection = { ...manyVaultsSelection(emulator.subscriptionId), objectKinds: ['secrets'] };
  let pipeline: BenchPipeline | undefined;
  try {
    await seedSources(emulator, sources, perVault);
    await nextWindow();

    const nats = await startNats();
    const discovery = await discoveryReconcileRss(emulator, nats.url, {
      sources: [selection],
    }).finally(() => nats.stop());
    await nextWindow();

    const counter = new RequestCounter();
    const arm = new RequestCounter();
    pipeline = await startBenchPipeline(
      {
        tenantId: emulator.tenantId,
        armEndpoint: emulator.arm,
        subscriptionId: emulator.subscriptionId,
        ca: emulator.ca,
      },
      { counter, armCounter: arm, topology: { sources: [selection] }, keyVaultLimits: {} },
    );
    const { outcomes } = pipeline;
    const cpuBefore = {
      bench: process.cpuUsage(),
      emulator: await cpuSecondsOf(emulator.process.pid!),
    };
    // New connections opened to the vaults during the resync: each costs a TLS handshake.
    const connections = countNewConnections();
    counter.reset();
    const started = Date.now();
    await resync(pipeline, 'many-full');
    const replicated = () => outcomes.filter((o) => o.service === 'replicator').length;
    await waitFor(() => replicated() >= pairs, 60 * 60_000);
    const elapsedS = (Date.now() - started) / 1000;
    const plannedS = (Date.parse(plannedOf(outcomes, 'many-full')!.at) - started) / 1000;
    const connectionsOpened = connections.stop();
    const resyncRequests = counter.total();
    const cpu = process.cpuUsage(cpuBefore.bench);
    const benchCpuS = (cpu.user + cpu.system) / 1e6;
    const emulatorCpuS = (await cpuSecondsOf(emulator.process.pid!)) - cpuBefore.emulator;
    const failures = outcomes.filter((o) => o.status === 'failure').length;
    const throttled = counter.byStatus.get(429) ?? 0;
    const planned = plannedOf(outcomes, 'many-full');
    const bound = throttleBoundSeconds(sourceCount, perVault, SHARES);

    counter.reset();
    arm.reset();
    const noopStarted = Date.now();
    await resync(pipeline, 'many-noop');
    await waitFor(() => plannedOf(outcomes, 'many-noop') !== undefined, 10 * 60_000);
    const noopS = (Date.now() - noopStarted) / 1000;
    const noop = plannedOf(outcomes, 'many-noop')!;
    const noopRequests = counter.total();
    const armRequests = arm.total();

    const world = `${sourceCount} source vaults in westeurope × ${REPLICAS.length} replica regions (${sourceCount * (1 + REPLICAS.length)} vaults in one subscription), ${perVault} secrets each (${sourceCount * perVault} in all: a modest count per vault so the run fits a few minutes; the subscription-wide limit binds either way), sources selected through ARM (selectionMode all over resource group, replicas named {source_name}-{region})`;
    const parameters = {
      sourceVaults: sourceCount,
      secretsPerVault: perVault,
      replicas: REPLICAS.length,
      sourceShare: SHARES.source,
      replicaShare: SHARES.replica,
    };
    await writeResult({
      name: 'many-vaults-resync',
      description: `Full resync of ${world}; emulator in its own process at Key Vault's real limits (4,000 transactions and 300 creates per vault, five times that per subscription and region, per 10 s); discovery and replicators in one process with the default shares.`,
      parameters,
      figures: {
        elapsedSeconds: round(elapsedS),
        throttleBoundMinimumSeconds: bound.seconds,
        replicaWrites: pairs,
        replicaWritesPerSecond: round(pairs / elapsedS),
        failures,
        throttled429: throttled,
        tasksPlanned: planned?.counts?.tasks ?? NaN,
        discoveryPlannedSeconds: round(plannedS),
        servicesCpuSeconds: round(benchCpuS),
        emulatorCpuSeconds: round(emulatorCpuS),
        servicesCoresBusy: round(benchCpuS / elapsedS),
        emulatorCoresBusy: round(emulatorCpuS / elapsedS),
        servicesCpuMsPerReplicaWrite: round((benchCpuS * 1000) / pairs),
        keyVaultRequests: resyncRequests,
        connectionsOpened,
      },
      ratio: {
        value: bound.seconds / elapsedS,
        meaning: 'throttle-bound minimum time / measured time',
        target: '≥ 0.9 with zero failures',
        pass: bound.seconds / elapsedS >= 0.9 && failures === 0,
      },
      notes: `The minimum counts the whole 10 s windows the busiest budget needs under the shares (source ${SHARES.source}, replica ${SHARES.replica}); here: ${bound.binding}. discoveryPlannedSeconds is when discovery had published every task. servicesCpuSeconds is this process (discovery, replicators, the bench) over the run; emulatorCpuSeconds the emulator's: together against ${round(elapsedS)} s × 2 cores they say whether the machine, not Key Vault's limits, held the run back; servicesCoresBusy near 1 means the one services process (one JavaScript thread) was the bound. connectionsOpened counts the TCP connections this process opened during the resync, against keyVaultRequests.`,
    });

    const listPages = sourceCount * (1 + REPLICAS.length) * Math.ceil(perVault / LIST_PAGE);
    await writeResult({
      name: 'many-vaults-noop-reconcile',
      description: `A reconcile (manual resync of everything) when every secret is already in sync: ${world}.`,
      parameters,
      figures: {
        keyVaultRequests: noopRequests,
        listPagesExpected: listPages,
        armRequests,
        requestsPerSecretAndReplica: round(noopRequests / pairs, 4),
        reconcileSeconds: round(noopS),
        tasks: noop.counts?.tasks ?? NaN,
        inSync: noop.counts?.inSync ?? NaN,
      },
      ratio: {
        value: noopRequests / pairs,
        meaning: 'Key Vault requests per (secret, replica) pair',
        target: '≤ 0.1, no task',
        pass: noopRequests / pairs <= 0.1 && noop.counts?.tasks === 0,
      },
      notes: `One listing page per 25 objects per vault, source and replicas: ${listPages} pages expected. ARM requests (vault listings for the selection, replicas and promotion tags) are counted apart.`,
    });

    await writeResult({
      name: 'many-vaults-discovery-rss',
      description: `Discovery as its own process (bundled CLI, its NODE_OPTIONS) over NATS JetStream, its start-up reconcile of ${world}, every replica empty: every (secret, replica) becomes a task.`,
      parameters,
      figures: {
        peakRssMiB: round(discovery.peakRssMiB),
        tasks: discovery.tasks,
        reconcileSeconds: round(discovery.reconcileSeconds),
      },
      ratio: {
        value: discovery.peakRssMiB / 128,
        meaning: 'discovery peak RSS / 128 MiB',
        target: '< 1 with every task published',
        pass: discovery.peakRssMiB < 128 && discovery.tasks === pairs,
      },
    });
  } finally {
    if (pipeline) {
      await pipeline.services.stop();
      await pipeline.bus.close();
    }
    await emulator.stop();
  }
}

async function resync(pipeline: BenchPipeline, resyncId: string): Promise<void> {
  await pipeline.bus.publish(
    TOPICS.resyncCommands,
    createEnvelope(
      'akv.resync.command.v1',
      { resyncId, requestedAt: new Date().toISOString() },
      { id: `bench-${resyncId}`, source: '/bench' },
    ),
  );
}

/** The discovery outcome that closes the reconcile a resync command started. */
const plannedOf = (outcomes: readonly OutcomeData[], resyncId: string) =>
  outcomes.find((o) => o.action === 'reconcile-planned' && o.trigger?.id === resyncId);

/** Linux's USER_HZ: /proc reports CPU time in these ticks on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;

async function cpuSecondsOf(pid: number): Promise<number> {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(stat[11]) + Number(stat[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Counts the TCP connections this process opens until `stop()` (Node's `net.client.socket`). */
function countNewConnections(): { stop(): number } {
  let opened = 0;
  const onSocket = () => opened++;
  subscribe('net.client.socket', onSocket);
  return {
    stop() {
      unsubscribe('net.client.socket', onSocket);
      return opened;
    },
  };
}
