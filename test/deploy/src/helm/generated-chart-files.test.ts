import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CHART_DIR } from './chart-paths';
import { generatedChartFiles } from './generate-chart-files';

test('the generated chart files are current (npm run generate:helm -w test/deploy rewrites them)', async () => {
  for (const [path, text] of Object.entries(await generatedChartFiles())) {
    // Stale after a change to the config schema or the constants: regenerate, review, commit.
    assert.ok(
      readFileSync(new URL(path, CHART_DIR), 'utf8') === text,
      `deploy/helm/akv-replicator/${path} is stale: run npm run generate:helm -w test/deploy`,
    );
  }
});
