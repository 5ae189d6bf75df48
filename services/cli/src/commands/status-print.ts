import { OBJECT_STATES, type ObjectsReport, type StatusReport } from '@akv-replicator/discovery';
import type { CliIo } from '../io';

const age = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined
    ? '-'
    : seconds < 120
      ? `${seconds}s`
      : seconds < 7200
        ? `${Math.round(seconds / 60)}m`
        : `${Math.round(seconds / 3600)}h`;

/** The summary: overall verdict, then one line per link and replica with counts by state. */
export function printReport(report: StatusReport, io: CliIo): void {
  const verdict = report.rebuilding
    ? 'REBUILDING (discovery restarted; not every replica has been listed yet)'
    : report.inSync
      ? 'in sync'
      : 'NOT IN SYNC';
  io.out(`status: ${verdict} (as of ${report.generatedAt})`);
  const states = OBJECT_STATES.filter((s) => s !== 'in-sync');
  io.out(
    `${'link'.padEnd(16)} ${'source → replica (region)'.padEnd(44)} ${'state'.padEnd(11)} ${'in sync'.padStart(8)} ${states.map((s) => s.padStart(Math.max(8, s.length))).join(' ')}  oldest drift  lag p50/p99`,
  );
  for (const r of report.replicas) {
    const notInSync = states.some((s) => r.counts[s] > 0);
    const state = r.rebuilding
      ? 'REBUILDING'
      : r.error
        ? 'FAILED'
        : notInSync
          ? 'DRIFTED'
          : 'in sync';
    const lag = r.lagMs ? `${r.lagMs.p50}/${r.lagMs.p99} ms` : '-';
    io.out(
      `${r.link.padEnd(16)} ${`${r.sourceVault} → ${r.replicaVault} (${r.replicaRegion})`.padEnd(44)} ${state.padEnd(11)} ${String(r.counts['in-sync']).padStart(8)} ${states.map((s) => String(r.counts[s]).padStart(Math.max(8, s.length))).join(' ')}  ${age(r.oldestDriftSeconds).padStart(12)}  ${lag}`,
    );
    if (r.error) io.out(`    listing failed: ${r.error}`);
  }
  if (report.lagMs)
    io.out(
      `event lag: p50 ${report.lagMs.p50} ms, p90 ${report.lagMs.p90} ms, p99 ${report.lagMs.p99} ms (${report.lagMs.count} events)`,
    );
  for (const failure of report.recentFailures.slice(0, 5)) {
    io.out(
      `failed: ${failure.kind} ${failure.name} in ${failure.replicaVault}: ${failure.error ?? ''}`,
    );
    if (failure.nextStep) io.out(`    next: ${failure.nextStep}`);
  }
}

/** `--objects`: each object not in sync, oldest drift first. */
export function printObjects(report: ObjectsReport, io: CliIo): void {
  io.out(
    `${report.total} object(s) not in sync${report.total > report.objects.length ? ` (first ${report.objects.length})` : ''}`,
  );
  for (const o of report.objects) {
    const what = o.state === 'drifted' && o.parts ? `drifted (${o.parts.join(', ')})` : o.state;
    const extra = [
      o.driftAgeSeconds !== undefined ? `for ${age(o.driftAgeSeconds)}` : '',
      o.error ? `error: ${o.error}${o.attempts ? ` (${o.attempts} attempts)` : ''}` : '',
      o.traceUrl ?? (o.traceId ? `trace ${o.traceId}` : ''),
    ].filter(Boolean);
    io.out(
      `  ${o.kind} ${o.name}  ${o.sourceVault} → ${o.replicaVault}  ${what}${extra.length ? `  ${extra.join('  ')}` : ''}`,
    );
    if (o.nextStep) io.out(`    next: ${o.nextStep}`);
  }
}
