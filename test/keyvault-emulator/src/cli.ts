export async function runEmulatorCli(_argv: readonly string[]): Promise<void> {}
