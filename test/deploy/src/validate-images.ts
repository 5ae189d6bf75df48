import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { commandWords, containerPorts, hostPort, type ComposeFile } from './compose-model';
import {
  argumentWords,
  copyOf,
  imageEnv,
  outputsOf,
  parseDockerfile,
  type Dockerfile,
} from './dockerfile';

/** A compose service built from one of the repository's Dockerfiles. */
export interface BuiltService {
  readonly composeName: string;
  readonly target: string;
  /** The akv-replicator service it runs (`up --services X`), if any. */
  readonly serviceName: string | undefined;
  /** The command the container runs: compose's `command`, else the image's CMD. */
  readonly command: readonly string[];
  /** Its image has a HEALTHCHECK (compose may still disable it). */
  readonly hasHealthcheck: boolean;
  /** Where its Prometheus endpoint listens (akv-replicator services only). */
  readonly metricsPort: number | undefined;
}

/** telemetry.metricsPort's default (libs/core DEFAULT_METRICS_PORT). */
const METRICS_PORT = 9464;
const RUNTIME_TREE = 'deploy/docker/runtime-tree.mjs';

/**
 * Checks every Dockerfile compose builds and the targets it uses: COPY sources exist (in the
 * context, not excluded by .dockerignore, or produced by the stage they come from), targets
 * run as a non-root user, have a HEALTHCHECK on a port they expose, and run the service their
 * name says. Returns the built compose services.
 */
export async function checkImages(
  root: string,
  compose: ComposeFile,
  report: (file: string) => (message: string) => void,
): Promise<Map<string, BuiltService>> {
  const built = new Map<string, BuiltService>();
  const dockerfiles = new Map<string, Dockerfile>();
  const composeProblem = report('docker-compose.yml');
  const runtimeTargets = existsSync(join(root, RUNTIME_TREE))
    ? ((await import(pathToFileURL(join(root, RUNTIME_TREE)).href)) as { TARGETS: string[] })
        .TARGETS
    : [];

  for (const [name, service] of Object.entries(compose.services)) {
    if (!service.build) continue;
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    const context = posix.normalize(build.context ?? '.');
    const file = posix.join(context, build.dockerfile ?? 'Dockerfile');
    if (!existsSync(join(root, file))) {
      composeProblem(`${name}: Dockerfile ${file} does not exist`);
      continue;
    }
    if (!dockerfiles.has(file)) {
      const parsed = parseDockerfile(readFileSync(join(root, file), 'utf8'));
      dockerfiles.set(file, parsed);
      checkCopies(root, context, parsed, runtimeTargets, report(file));
    }
    const dockerfile = dockerfiles.get(file)!;
    const target = build.target ?? dockerfile.stages.at(-1)?.name ?? '';
    if (!dockerfile.stage(target)) {
      composeProblem(`${name}: build target ${target} is not a stage of ${file}`);
      continue;
    }
    const problem = report(`${file} (target ${target})`);
    const user = dockerfile.effective(target, 'USER')?.args;
    if (!user || /^(root|0)(:|$)/.test(user))
      problem(`runs as ${user ?? 'root'}: set a non-root USER`);
    const healthcheck = dockerfile.effective(target, 'HEALTHCHECK');
    if (!healthcheck || healthcheck.args.toUpperCase() === 'NONE') problem('no HEALTHCHECK');
    const env = imageEnv(dockerfile, target);
    const exposed = new Set(
      dockerfile
        .lineage(target)
        .flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'EXPOSE'))
        .flatMap((i) => i.args.split(/\s+/).map((port) => Number(port.split('/')[0]))),
    );
    const healthUrl = env['HEALTHCHECK_URL'] ? hostPort(env['HEALTHCHECK_URL']) : undefined;
    if (healthcheck && healthcheck.args.includes('healthcheck.mjs') && !healthUrl)
      problem('HEALTHCHECK runs healthcheck.mjs without a HEALTHCHECK_URL');
    if (healthUrl && !exposed.has(healthUrl.port))
      problem(`HEALTHCHECK_URL port ${healthUrl.port} is not EXPOSEd`);
    if (healthUrl && !service.healthcheck?.disable && !containerPorts(service).has(healthUrl.port))
      composeProblem(
        `${name}: its healthcheck uses port ${healthUrl.port}, which it does not expose`,
      );

    const cmd = dockerfile.effective(target, 'CMD');
    const imageCommand = cmd ? argumentWords(cmd.args) : [];
    if (!dockerfile.effective(target, 'ENTRYPOINT')) problem('no ENTRYPOINT');
    const imageService = imageCommand[imageCommand.indexOf('--services') + 1];
    if (imageCommand.includes('--services') && imageService !== target)
      problem(`CMD runs --services ${imageService}, not ${target}`);
    const command = service.command ? commandWords(service.command) : imageCommand;
    const serviceName = command.includes('--services')
      ? command[command.indexOf('--services') + 1]
      : undefined;
    if (serviceName !== undefined && serviceName !== target)
      composeProblem(`${name}: runs --services ${serviceName} on the ${target} image`);
    if (serviceName !== undefined && !containerPorts(service).has(METRICS_PORT))
      composeProblem(`${name}: does not expose its metrics port ${METRICS_PORT}`);
    built.set(name, {
      composeName: name,
      target,
      serviceName,
      command,
      hasHealthcheck: healthcheck !== undefined && healthcheck.args.toUpperCase() !== 'NONE',
      metricsPort: serviceName !== undefined ? METRICS_PORT : undefined,
    });
  }
  return built;
}

function checkCopies(
  root: string,
  context: string,
  dockerfile: Dockerfile,
  runtimeTargets: readonly string[],
  problem: (message: string) => void,
): void {
  const ignored = dockerignore(root, context);
  dockerfile.stages.forEach((stage, index) => {
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'RUN' && instruction.args.includes(RUNTIME_TREE)) {
        for (const match of instruction.args.matchAll(/for\s+\w+\s+in\s+([^;]+);/g))
          for (const target of match[1]!.trim().split(/\s+/))
            if (!runtimeTargets.includes(target))
              problem(`line ${instruction.line}: ${target} is not a ${RUNTIME_TREE} target`);
      }
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
      const copy = copyOf(instruction);
      const where = `line ${instruction.line}`;
      if (copy.from === undefined) {
        for (const source of copy.sources) {
          const path = posix.join(context, source);
          if (!existsSync(join(root, path)))
            problem(`${where}: COPY source ${source} does not exist`);
          else if (ignored(posix.normalize(source)))
            problem(`${where}: COPY source ${source} is excluded by .dockerignore`);
        }
        continue;
      }
      const fromIndex = dockerfile.stages.findIndex((s) => s.name === copy.from);
      if (fromIndex < 0 || fromIndex >= index) {
        problem(`${where}: COPY --from=${copy.from} names no earlier stage`);
        continue;
      }
      const produced = dockerfile
        .lineage(copy.from)
        .flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').flatMap(outputsOf))
        .map((path) => path.replace(/\/$/, ''));
      for (const source of copy.sources) {
        const path = source.replace(/\/$/, '');
        if (!produced.some((out) => path === out || path.startsWith(`${out}/`)))
          problem(`${where}: ${source} is not produced in stage ${copy.from}`);
      }
    }
  });
}

/** A matcher for the context's .dockerignore (patterns with `*`, `**`, `?`; no negation). */
function dockerignore(root: string, context: string): (path: string) => boolean {
  const file = join(root, context, '.dockerignore');
  if (!existsSync(file)) return () => false;
  const patterns = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'))
    .map(
      (pattern) =>
        new RegExp(
          `^${pattern
            .replace(/^\/+/, '')
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*\*\//g, '@DOUBLESTAR@')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]')
            .replace(/@DOUBLESTAR@/g, '(?:.*/)?')}(?:/.*)?$`,
        ),
    );
  return (path) => path !== '.' && patterns.some((pattern) => pattern.test(path));
}
