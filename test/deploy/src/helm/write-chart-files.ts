// `npm run generate:helm -w test/deploy`: rewrites the chart files generated from TypeScript.
import { writeFileSync } from 'node:fs';
import { CHART_DIR } from './chart-paths';
import { generatedChartFiles } from './generate-chart-files';

for (const [path, text] of Object.entries(await generatedChartFiles())) {
  writeFileSync(new URL(path, CHART_DIR), text);
  console.log(`wrote deploy/helm/akv-replicator/${path}`);
}
