import { randomUUID } from 'node:crypto';
import {
  TOPICS,
  createEnvelope,
  loadConfigFile,
  type OutcomeData,
  type ResyncCommandData,
} from '@akv-replicator/core';
import { ack } from '@akv-replicator/bus';
import type { CliIo } from '../io';
import { azureAdapters, fileSecretSource, openBus } from '@akv-replicator/runtime';
import { createProgressReporter } from './progress-reporter';
import { planRows, planTable } from './resync-plan';

export interface ResyncOptions {
  config?: string;
  ingress?: string;
  tokenEnv: string;
  vault?: string;
  secret?: string;
  dryRun?: boolean;
  wait?: boolean;
  /** With `--wait`: the per-object plan or result as one JSON document on stdout. */
  json?: boolean;
  timeout: string;
}

/**
 * `resync`: publishes a resync command — on the configured bus (any bus client can do the same;
 * README documents the message) or through the ingress's `POST /resync`. `--wait` follows the
 * outcomes of that resync on the bus, with a progress bar, and prints a summary.
 */
export async function resyncCommand(options: ResyncOptions, io: CliIo): Promise<number> {
  if (options.secret && !options.vault) {
    io.err('resync: --secret needs --vault');
    return 2;
  }
  const command: ResyncCommandData = {
    resyncId: randomUUID(),
    ...(options.vault ? { vault: options.vault } : {}),
    ...(options.secret ? { objectName: options.secret } : {}),
    objectKinds: ['secret', 'certificate'],
    dryRun: options.dryRun ?? false,
    requestedBy: `cli:${io.env.USER ?? 'unknown'}`,
    requestedAt: new Date().toISOString(),
  };
  if (options.ingress) {
    if (options.wait)
      io.err('resync: --wait follows outcomes on the bus; it needs --config, not --ingress');
    const token = io.env[options.tokenEnv];
    const response = await fetch(new URL('/resync', options.ingress), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { 'x-akv-replicator-key': token } : {}),
      },
      body: JSON.stringify(command),
    });
    if (response.status !== 202) {
      io.err(
        `resync: ingress answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
      );
      return 1;
    }
    io.out(`resync ${((await response.json()) as { resyncId: string }).resyncId} requested`);
    return 0;
  }
  if (!options.config) {
    io.err('resync: give --config FILE (publish on the bus) or --ingress URL');
    return 2;
  }
  const loaded = await loadConfigFile(options.config, { env: io.env });
  const { config } = loaded;
  if (config.bus.transport === 'memory') {
    io.err(
      'resync: the memory bus lives inside the running process; use --ingress URL, or a shared transport (nats)',
    );
    return 2;
  }
  const secrets = fileSecretSource(io.env);
  const bus = await openBus(loaded, secrets, (await azureAdapters(config, secrets)).credentialFor);
  try {
    const outcomes: OutcomeData[] = [];
    let notify = () => {};
    if (options.wait) {
      await bus.subscribe(
        TOPICS.outcomes,
        { subscription: `cli-resync-${command.resyncId.slice(0, 8)}` },
        async (envelope) => {
          if (
            envelope.type === 'akv.outcome.v1' &&
            envelope.data.trigger?.id === command.resyncId
          ) {
            outcomes.push(envelope.data);
            notify();
          }
          return ack();
        },
      );
    }
    await bus.publish(
      TOPICS.resyncCommands,
      createEnvelope('akv.resync.command.v1', command, {
        id: command.resyncId,
        source: '/akv-replicator/cli',
      }),
    );
    // With --json, stdout carries the JSON document only.
    (options.json && options.wait ? io.err : io.out)(
      `resync ${command.resyncId} published${command.dryRun ? ' (dry run)' : ''}`,
    );
    if (!options.wait) return 0;
    return await follow(
      outcomes,
      (listener) => (notify = listener),
      Number(options.timeout) * 1000,
      io,
      { resyncId: command.resyncId, dryRun: command.dryRun, json: options.json ?? false },
    );
  } finally {
    await bus.close();
  }
}

async function follow(
  outcomes: OutcomeData[],
  onChange: (listener: () => void) => void,
  timeoutMs: number,
  io: CliIo,
  report: { resyncId: string; dryRun: boolean; json: boolean },
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  // A bar on a terminal; in a pipe or CI log a line per 10 % or few seconds, not one per task.
  const progress = createProgressReporter({ line: io.err, terminal: io.terminal });
  for (;;) {
    const planned = outcomes.find((o) => o.action === 'reconcile-planned');
    const done = outcomes.filter((o) => o.service !== 'discovery');
    const total = planned?.counts?.tasks;
    if (total !== undefined) progress.update(done.length, total);
    if (total !== undefined && done.length >= total) break;
    if (Date.now() > deadline) {
      progress.finish();
      io.err(`resync: timed out with ${done.length}/${total ?? '?'} tasks done`);
      return 1;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      onChange(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  progress.finish();
  const failed = outcomes.some((p) => p.status === 'failure');
  const rows = planRows(outcomes);
  if (report.json) {
    const planned = outcomes.find((o) => o.action === 'reconcile-planned');
    io.out(
      JSON.stringify({
        resyncId: report.resyncId,
        dryRun: report.dryRun,
        counts: planned?.counts ?? {},
        [report.dryRun ? 'plan' : 'results']: rows,
      }),
    );
    return failed ? 1 : 0;
  }
  for (const line of planTable(rows, { dryRun: report.dryRun })) io.out(line);
  const byStatus = new Map<string, number>();
  for (const o of outcomes.filter((x) => x.service !== 'discovery'))
    byStatus.set(`${o.status} ${o.action}`, (byStatus.get(`${o.status} ${o.action}`) ?? 0) + 1);
  io.out('summary:');
  for (const [key, count] of [...byStatus].sort()) io.out(`  ${String(count).padStart(6)}  ${key}`);
  const problems = outcomes.filter((o) => o.status !== 'success');
  for (const p of problems.slice(0, 20))
    io.out(
      `  ${p.status}: ${p.link ?? ''} ${p.replica?.name ?? ''} ${p.objectName ?? ''} — ${p.reason ?? p.code ?? ''}`,
    );
  return failed ? 1 : 0;
}
