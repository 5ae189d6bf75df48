import type { ComposeFile } from './compose-model';

/** Service properties of the Compose specification (a typo here is silently ignored by no one). */
const SERVICE_KEYS = new Set(
  `annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs
  container_name cpu_count cpu_percent cpu_shares cpu_quota cpu_period cpu_rt_period
  cpu_rt_runtime cpus cpuset credential_spec depends_on deploy develop device_cgroup_rules devices
  dns dns_opt dns_search domainname entrypoint env_file environment expose extends external_links
  extra_hosts gpus group_add healthcheck hostname image init ipc isolation labels links logging
  mac_address mem_limit mem_reservation mem_swappiness memswap_limit network_mode networks
  oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop privileged
  profiles pull_policy read_only restart runtime scale secrets security_opt shm_size stdin_open
  stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits user userns_mode uts
  volumes volumes_from working_dir`.split(/\s+/),
);
const TOP_LEVEL_KEYS = new Set([
  'version',
  'name',
  'include',
  'services',
  'networks',
  'volumes',
  'secrets',
  'configs',
]);
const HEALTHCHECK_KEYS = new Set([
  'test',
  'interval',
  'timeout',
  'retries',
  'start_period',
  'start_interval',
  'disable',
]);
const CONDITIONS = new Set([
  'service_started',
  'service_healthy',
  'service_completed_successfully',
]);

/**
 * Keys Compose would reject or ignore, and `depends_on` conditions that can never be met
 * (`service_healthy` on a service without a health check). `hasHealthcheck` answers for images
 * built here (their Dockerfile's HEALTHCHECK).
 */
export function checkComposeKeys(
  compose: ComposeFile & Record<string, unknown>,
  hasImageHealthcheck: (service: string) => boolean,
  problem: (message: string) => void,
): void {
  for (const key of Object.keys(compose))
    if (!TOP_LEVEL_KEYS.has(key) && !key.startsWith('x-')) problem(`unknown top-level key ${key}`);
  for (const [name, service] of Object.entries(compose.services)) {
    for (const key of Object.keys(service))
      if (!SERVICE_KEYS.has(key) && !key.startsWith('x-')) problem(`${name}: unknown key ${key}`);
    for (const key of Object.keys(service.healthcheck ?? {}))
      if (!HEALTHCHECK_KEYS.has(key)) problem(`${name}: unknown healthcheck key ${key}`);
    if (Array.isArray(service.depends_on) || !service.depends_on) continue;
    for (const [dependency, spec] of Object.entries(service.depends_on)) {
      const condition = (spec as { condition?: string } | null)?.condition ?? 'service_started';
      if (!CONDITIONS.has(condition))
        problem(`${name}: depends_on ${dependency}: unknown condition ${condition}`);
      const target = compose.services[dependency];
      const healthy =
        target &&
        !target.healthcheck?.disable &&
        (target.healthcheck?.test !== undefined || hasImageHealthcheck(dependency));
      if (condition === 'service_healthy' && target && !healthy)
        problem(`${name}: waits for ${dependency} to be healthy, which has no health check`);
    }
  }
}
