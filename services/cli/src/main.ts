import { runCli } from './cli';

// The only file that touches `process`: arguments, environment, signals, output, exit code.
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

const exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  signal: stop.signal,
  ...(process.stderr.isTTY ? { terminal: { write: (text) => process.stderr.write(text) } } : {}),
});
process.exitCode = exitCode;
