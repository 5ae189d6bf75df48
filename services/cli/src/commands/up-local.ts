import { SecretClient } from '@azure/keyvault-secrets';
import { DEFAULT_METRICS_PORT, TOPICS } from '@akv-replicator/core';
import { ack } from '@akv-replicator/bus';
import { createPinoLogger, startTelemetry, type LogLevel } from '@akv-replicator/telemetry';
import type { CliIo } from '../io';
import { DEMO_VAULTS, startLocalStack } from '../stack/local-stack';
import { createOutcomeDescriber } from './describe-outcome';

export const DEMO_SECRETS = ['demo-db-password', 'demo-api-key'];

/**
 * How often the local discovery re-reads vault tags from ARM (the production default is 300 s):
 * promotions are ARM tags, so a drill's `promote` and `failback` take effect within this.
 */
export const LOCAL_TOPOLOGY_REFRESH_SECONDS = 5;

/**
 * `up --local`: the whole product in one process on emulated vaults, with a visible demo.
 * Prints the topology, one JSON line for scripts, then every replication as it happens.
 */
export async function upLocalCommand(
  options: { logLevel: string; demo: boolean },
  io: CliIo,
): Promise<number> {
  // stdout is the demo's; JSON log lines go to stderr.
  const logger = createPinoLogger({
    level: options.logLevel as LogLevel,
    service: 'akv-replicator',
    destination: io.err,
  });
  const telemetry = await startTelemetry({
    serviceName: 'akv-replicator',
    // Traces once the user points OTLP somewhere (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. a Jaeger).
    config: { tracing: otlpConfigured(io.env), metricsPort: DEFAULT_METRICS_PORT },
    logger,
    // A demo must not lose its metrics to whatever else holds 9464 on a laptop; the line below
    // prints the port it got.
    freePortWhenTaken: true,
  });
  const stack = await startLocalStack({
    logger,
    configOverrides: { replication: { topologyRefreshSeconds: LOCAL_TOPOLOGY_REFRESH_SECONDS } },
  });
  const lines = createOutcomeDescriber();
  await stack.bus.subscribe(TOPICS.vaultEvents, { subscription: 'cli-up-local' }, (envelope) => {
    if (envelope.type === 'akv.vault.event.v1')
      lines.event(envelope.data.eventId, envelope.data.eventTime);
    return Promise.resolve(ack());
  });
  await stack.bus.subscribe(TOPICS.outcomes, { subscription: 'cli-up-local' }, async (envelope) => {
    if (envelope.type !== 'akv.outcome.v1') return ack();
    const outcome = envelope.data;
    if (outcome.service === 'replicator' && outcome.action !== 'unchanged')
      io.out(lines.describe(outcome));
    if (outcome.status !== 'success' && outcome.service !== 'replicator')
      io.out(`  ! ${outcome.reason ?? outcome.action}`);
    return ack();
  });

  const info = stack.readyInfo();
  io.out(
    'akv-replicator: local mode (emulated Key Vault, in-memory bus, all services in this process)',
  );
  io.out(
    `  source   ${DEMO_VAULTS.source.name} (${DEMO_VAULTS.source.region})  ${info.vaults[DEMO_VAULTS.source.name]}`,
  );
  for (const replica of DEMO_VAULTS.replicas) {
    const sub = 'subscriptionId' in replica ? `, subscription ${replica.subscriptionId}` : '';
    io.out(`  replica  ${replica.name} (${replica.region}${sub})  ${info.vaults[replica.name]}`);
  }
  io.out(`  ingress  ${info.ingress}/eventgrid  (Event Grid pushes from the emulator)`);
  if (telemetry.metricsUrl) io.out(`  metrics  ${telemetry.metricsUrl}  (Prometheus)`);
  // Loopback only, tokens generated for this run: printed so `status`, `resync` and a browser
  // can be pointed at the local stack.
  io.out(`  status   ${info.status}/?token=${stack.statusToken}  (status page)`);
  io.out(
    `           AKV_REPLICATOR_STATUS_TOKEN=${stack.statusToken} akv-replicator status --url ${info.status}`,
  );
  io.out(
    `  resync   AKV_REPLICATOR_RESYNC_TOKEN=${stack.resyncToken} akv-replicator resync --ingress ${info.ingress} --token-env AKV_REPLICATOR_RESYNC_TOKEN`,
  );
  // The drill against this run's vaults: the configuration file names them, ARM and the CA.
  io.out(
    `  failover akv-replicator failover plan --to ${DEMO_VAULTS.replicas[0].name} --config ${info.configFile}  (then promote, failback; applied within ${LOCAL_TOPOLOGY_REFRESH_SECONDS} s)`,
  );
  io.out(
    JSON.stringify({ ...info, statusToken: stack.statusToken, resyncToken: stack.resyncToken }),
  );

  if (options.demo) {
    const source = new SecretClient(
      info.vaults[DEMO_VAULTS.source.name]!,
      stack.credential,
      stack.emulator.clientOptions(),
    );
    for (const name of DEMO_SECRETS) {
      await source.setSecret(name, `demo-value-${Math.random().toString(36).slice(2)}`, {
        tags: { demo: 'true' },
      });
      io.out(`wrote ${name} to ${DEMO_VAULTS.source.name}`);
    }
  }
  io.out(
    'Ready. Write secrets to the source vault with any Azure SDK (CA file above); Ctrl-C stops.',
  );

  await new Promise<void>((resolve) => {
    if (!io.signal || io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  io.out('stopping…');
  await stack.stop();
  await telemetry.shutdown();
  io.out('stopped');
  return 0;
}

function otlpConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}
