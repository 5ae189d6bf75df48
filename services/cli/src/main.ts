import { runCli } from './cli';
import { startedByNpm, watchParent } from './parent-watch';

// The only file that touches `process`: arguments, environment, signals, output, exit code.
const stop = new AbortController();
// `akv-replicator validate-config … | head`: the reader closing the pipe is not our failure.
// Exit quietly, as `cat` does, instead of an unhandled EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
// Under npx a SIGTERM to npm's PID kills npm's shell, not us: stop when we are orphaned.
if (startedByNpm(process.env))
  watchParent({ parentPid: () => process.ppid, onOrphaned: () => stop.abort() });

const exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  signal: stop.signal,
  ...(process.stderr.isTTY ? { terminal: { write: (text) => process.stderr.write(text) } } : {}),
});
process.exitCode = exitCode;
