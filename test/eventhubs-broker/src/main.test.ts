import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { EventHubProducerClient } from '@azure/event-hubs';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('broker command', () => {
  it('serves the hubs given, prints a connection string per hub, and exits 0 on SIGTERM', async () => {
    const child = run(['--hub', 'events:3:ingress', '--hub', 'other:1', '--port', '0']);
    try {
      let out = '';
      while (out.split('\n').length < 3) {
        const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
        out += chunk.toString();
      }
      const [events, other] = out.trim().split('\n') as [string, string];
      assert.match(
        events,
        /^Endpoint=sb:\/\/127\.0\.0\.1:\d+;.*;EntityPath=events;UseDevelopmentEmulator=true$/,
      );
      assert.match(other, /;EntityPath=other;/);
      const producer = new EventHubProducerClient(events);
      try {
        assert.deepEqual((await producer.getEventHubProperties()).partitionIds, ['0', '1', '2']);
      } finally {
        await producer.close();
      }
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 1 naming the problem when a hub is malformed', async () => {
    const child = run(['--hub', 'events:zero', '--port', '0']);
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1);
    assert.match(err, /partitionCount must be an integer/);
  });
});
