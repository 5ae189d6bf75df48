import { format, resolveConfig } from 'prettier';

/**
 * A generated JSON file as the repository's `prettier --check .` wants it (the lint step), so a
 * regenerated file and a committed one compare byte for byte.
 */
export async function formatJson(value: unknown, fileUrl: URL): Promise<string> {
  const options = (await resolveConfig(fileUrl)) ?? {};
  return format(JSON.stringify(value), { ...options, parser: 'json', filepath: fileUrl.pathname });
}
