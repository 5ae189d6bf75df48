/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  readonly keyword: string;
  /** Everything after the keyword. */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string | undefined;
  readonly base: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  readonly stages: readonly Stage[];
  stage(name: string): Stage | undefined;
  /** The stage chain a target is built on, the target first (`FROM runtime AS x` → x, runtime). */
  lineage(name: string): Stage[];
  /** The last instruction of `keyword` along the target's lineage (what the image inherits). */
  effective(name: string, keyword: string): Instruction | undefined;
}

/** Parses the instructions and stages of a Dockerfile (no variable expansion). */
export function parseDockerfile(source: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i;
    let text = lines[i]!;
    while (/\\\s*$/.test(text) && i + 1 < lines.length) {
      i += 1;
      const next = lines[i]!;
      // Comment lines inside a continued instruction are dropped, as Docker does.
      if (next.trim().startsWith('#')) continue;
      text = `${text.replace(/\\\s*$/, ' ')}${next}`;
    }
    const match = /^\s*(\w+)\s*(.*)$/s.exec(text);
    if (match)
      instructions.push({
        keyword: match[1]!.toUpperCase(),
        args: match[2]!.trim(),
        line: start + 1,
      });
  }
  const stages: { name: string | undefined; base: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.args
        .split(/\s+/)
        .filter((word) => !word.startsWith('--'));
      stages.push({
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        base,
        instructions: [],
      });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  const stage = (name: string) => stages.find((s) => s.name === name);
  const lineage = (name: string) => {
    const chain: Stage[] = [];
    for (let current = stage(name); current && !chain.includes(current);) {
      chain.push(current);
      current = stage(current.base);
    }
    return chain;
  };
  return {
    stages,
    stage,
    lineage,
    effective(name, keyword) {
      for (const s of lineage(name)) {
        const found = s.instructions.filter((i) => i.keyword === keyword).at(-1);
        if (found) return found;
      }
      return undefined;
    },
  };
}

/** The words of an exec-form (`["a", "b"]`) or shell-form argument. */
export function argumentWords(args: string): string[] {
  if (args.startsWith('[')) {
    const parsed: unknown = JSON.parse(args);
    if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string'))
      throw new Error(`not a JSON array of strings: ${args}`);
    return parsed as string[];
  }
  return args.split(/\s+/).filter(Boolean);
}

/** `COPY [--from=x] [--chown=…] src… dest` → its sources, destination and stage. */
export function copyOf(instruction: Instruction): {
  from: string | undefined;
  sources: string[];
  destination: string;
} {
  const words = argumentWords(instruction.args);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

/** `ENV A=1 B=2` (or the legacy `ENV A 1`) as a record. */
export function envOf(instruction: Instruction): Record<string, string> {
  const env: Record<string, string> = {};
  if (!instruction.args.includes('=')) {
    const [key, ...rest] = instruction.args.split(/\s+/);
    if (key) env[key] = rest.join(' ');
    return env;
  }
  for (const match of instruction.args.matchAll(/(\w+)=("([^"]*)"|\S+)/g))
    env[match[1]!] = match[3] ?? match[2]!;
  return env;
}

/**
 * Absolute paths a RUN writes through `--out`, with `for VAR in LIST; do … done` loops
 * expanded: `for t in a b; do x --out "/out/$t"; done` → /out/a, /out/b.
 */
export function outputsOf(instruction: Instruction): string[] {
  const outputs: string[] = [];
  const loop = /for\s+(\w+)\s+in\s+([^;]+);\s*do\s+(.*?);?\s*done/s.exec(instruction.args);
  const bodies = loop
    ? loop[2]!
        .trim()
        .split(/\s+/)
        .map((value) => loop[3]!.replace(new RegExp(`\\$\\{?${loop[1]!}\\}?`, 'g'), value))
    : [instruction.args];
  for (const body of bodies)
    for (const match of body.matchAll(/--out\s+"?([^"\s;]+)"?/g)) outputs.push(match[1]!);
  return outputs;
}

/** The environment a target's image sets (ENV along its lineage, later stages win). */
export function imageEnv(dockerfile: Dockerfile, target: string): Record<string, string> {
  return Object.assign(
    {},
    ...dockerfile
      .lineage(target)
      .reverse()
      .flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'ENV').map(envOf)),
  ) as Record<string, string>;
}
