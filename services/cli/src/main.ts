import { runCli } from './cli';

// The only file that touches `process`: arguments, environment, output and exit code.
const exitCode = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
process.exitCode = exitCode;
