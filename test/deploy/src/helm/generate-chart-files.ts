import { generatedTemplate } from './chart-constants';
import { valuesSchema } from './values-schema';

/** The chart files generated from TypeScript; `generated-chart-files.test.ts` keeps them current. */
export function generatedChartFiles(): Record<string, string> {
  return {
    'values.schema.json': `${JSON.stringify(valuesSchema(), null, 2)}\n`,
    'templates/_generated.tpl': generatedTemplate(),
  };
}
