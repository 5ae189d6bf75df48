import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { SERVICE_NAMES } from './service-names';
import { SERVICE_NODE_OPTIONS } from './service-node-options';

test('every service has NODE_OPTIONS that Node accepts in the environment and that bound the young generation', () => {
  for (const service of SERVICE_NAMES) {
    const options = SERVICE_NODE_OPTIONS[service];
    assert.match(options, /--max-semi-space-size=\d+/, service);
    // Node refuses V8 flags outside its NODE_OPTIONS allow-list at start-up, with exit code 9.
    const heapLimitMiB = execFileSync(
      process.execPath,
      ['-p', 'require("v8").getHeapStatistics().heap_size_limit / 2 ** 20'],
      { env: { ...process.env, NODE_OPTIONS: options }, encoding: 'utf8' },
    );
    const ceiling = /--max-old-space-size=(\d+)/.exec(options)?.[1];
    if (ceiling)
      assert.ok(Number(heapLimitMiB) < Number(ceiling) + 32, `${service}: ${heapLimitMiB}`);
  }
});
