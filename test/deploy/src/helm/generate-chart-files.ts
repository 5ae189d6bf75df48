import { formatJson } from '../tools/format-json';
import { generatedTemplate } from './chart-constants';
import { CHART_DIR } from './chart-paths';
import { valuesSchema } from './values-schema';

/** The chart files generated from TypeScript; `generated-chart-files.test.ts` keeps them current. */
export async function generatedChartFiles(): Promise<Record<string, string>> {
  return {
    'values.schema.json': await formatJson(
      valuesSchema(),
      new URL('values.schema.json', CHART_DIR),
    ),
    'templates/_generated.tpl': generatedTemplate(),
  };
}
