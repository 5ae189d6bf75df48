import type { ServiceName } from './service-names';

/**
 * `NODE_OPTIONS` for each service's own process: what the container images, the deployment docs
 * and the memory benchmark all use, so the figure in docs/benchmarks.md is the deployed one.
 *
 * Why these: a replicator's live heap stays near 25 MiB under load (tasks stream through with
 * bounded concurrency), but V8's default growth lets garbage pile up to three times that before a
 * full collection, which took it past 128 MiB RSS. A small young generation
 * (`--max-semi-space-size=2`) and an old-generation ceiling well above the live heap
 * (`--max-old-space-size=96`) make V8 collect sooner, for some more CPU; the `memory-per-service`
 * benchmark measures both against Node's defaults. Discovery gets the same: its reconcile streams
 * the source listing and holds each replica as a compact index of names (issue #21), so its heap
 * no longer grows with whole listings (`rss-discovery-large-vault`: a 50,000-secret vault).
 */
export const SERVICE_NODE_OPTIONS: Readonly<Record<ServiceName, string>> = {
  ingress: '--max-semi-space-size=2 --max-old-space-size=96',
  discovery: '--max-semi-space-size=2 --max-old-space-size=96',
  replicator: '--max-semi-space-size=2 --max-old-space-size=96',
  'certificate-converter': '--max-semi-space-size=2 --max-old-space-size=96',
  notifier: '--max-semi-space-size=2 --max-old-space-size=96',
};
