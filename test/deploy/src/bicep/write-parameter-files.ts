// `npm run generate:bicep -w test/deploy`: rewrites deploy/bicep/parameters from deploy/examples.
import { writeFileSync } from 'node:fs';
import { exampleParameterFiles, PARAMETERS_DIR } from './example-parameters';

for (const [name, text] of await exampleParameterFiles()) {
  writeFileSync(new URL(name, PARAMETERS_DIR), text);
  console.log(`wrote deploy/bicep/parameters/${name}`);
}
