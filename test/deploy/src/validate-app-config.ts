import { join, posix } from 'node:path';
import { loadConfigFile } from '@akv-replicator/core';
import {
  commandWords,
  containerPorts,
  environmentOf,
  hostPort,
  reachable,
  type ComposeService,
} from './compose-model';
import { DEPLOYMENT_FILES } from './deployment-files';
import type { BuiltService } from './validate-images';
import { checkStatusPort } from './validate-status-port';

const CONFIG_IN_CONTAINER = '/etc/akv-replicator/config.yaml';

/**
 * The akv-replicator configuration the containers mount: valid (with the containers'
 * environment), its endpoints are compose services, and it agrees with the emulator's command.
 */
export async function checkAppConfig(
  root: string,
  services: Record<string, ComposeService>,
  built: ReadonlyMap<string, BuiltService>,
  report: (file: string) => (message: string) => void,
): Promise<void> {
  const problem = report(DEPLOYMENT_FILES.compose);
  const apps = [...built.values()].filter((s) => s.serviceName !== undefined);
  const sources = new Set<string>();
  for (const app of apps) {
    const mount = (services[app.composeName]!.volumes ?? [])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.split(':'))
      .find(([, target]) => target === CONFIG_IN_CONTAINER);
    if (!mount) problem(`${app.composeName}: nothing mounted at ${CONFIG_IN_CONTAINER}`);
    else sources.add(posix.normalize(mount[0]!));
    const words = app.command;
    const config = words[words.indexOf('--config') + 1];
    if (!words.includes('--config') || config !== CONFIG_IN_CONTAINER)
      problem(`${app.composeName}: command does not read --config ${CONFIG_IN_CONTAINER}`);
  }
  for (const source of sources) {
    const configProblem = report(source);
    const env = environmentOf(services[apps[0]!.composeName]!);
    let loaded;
    try {
      loaded = await loadConfigFile(join(root, source), { env });
    } catch (error) {
      configProblem(`invalid: ${(error as Error).message}`);
      continue;
    }
    const { config } = loaded;
    const discovery = apps.find((app) => app.serviceName === 'discovery')?.composeName;
    checkStatusPort(
      config,
      discovery ? { name: discovery, service: services[discovery]! } : undefined,
      problem,
    );
    for (const server of config.bus.nats?.servers ?? []) {
      const unreachable = reachable(services, server);
      if (unreachable) configProblem(`bus.nats.servers: ${unreachable}`);
    }
    const emulatorConfig = config.azure.emulator;
    if (!emulatorConfig) continue;
    const arm = hostPort(config.azure.armEndpoint);
    const emulator = arm ? services[arm.host] : undefined;
    if (!arm || !emulator) {
      configProblem(`azure.armEndpoint ${config.azure.armEndpoint} is no compose service`);
      continue;
    }
    const words = commandWords(emulator.command);
    const flag = (name: string) => words[words.indexOf(name) + 1];
    const vaults = words.flatMap((w, i) => (words[i - 1] === '--vault' ? [w.split('@')[0]!] : []));
    if (flag('--public-host') !== arm.host)
      configProblem(
        `the emulator's --public-host is ${flag('--public-host')}, not ${arm.host}: its URLs and certificate would not match`,
      );
    if (Number(flag('--port-base')) !== arm.port)
      configProblem(
        `azure.armEndpoint port ${arm.port} is not the emulator's --port-base ${flag('--port-base')}`,
      );
    for (let i = 0; i <= vaults.length; i += 1)
      if (!containerPorts(emulator).has(arm.port + i))
        configProblem(
          `the emulator does not expose port ${arm.port + i} (ARM and ${vaults.length} vaults)`,
        );
    if (words.includes('--strict-auth') && flag('--strict-auth') !== emulatorConfig.token)
      configProblem('azure.emulator.token is not a token the emulator accepts (--strict-auth)');
    for (const link of loaded.topology.links)
      for (const vault of [link.source.name, ...link.replicas.map((r) => r.name)])
        if (!vaults.includes(vault))
          configProblem(`link ${link.name}: vault ${vault} is not one the emulator starts`);
    const stateDir = flag('--state-dir');
    const stateVolume = (emulator.volumes ?? [])
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.split(':'))
      .find(([, target]) => target === stateDir)?.[0];
    for (const app of apps) {
      const shared = (services[app.composeName]!.volumes ?? [])
        .filter((v): v is string => typeof v === 'string')
        .some(
          (v) =>
            v.split(':')[0] === stateVolume &&
            emulatorConfig.caFile.startsWith(`${v.split(':')[1]}/`),
        );
      if (!stateVolume || !shared)
        problem(
          `${app.composeName}: ${emulatorConfig.caFile} is not on the emulator's state volume`,
        );
    }
  }
}
