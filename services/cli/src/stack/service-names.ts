// The names live with the runtime, which sizes a process's Key Vault share by what it runs. Taken
// from the dependency-free entry: cli.ts needs them before any command runs, and the main entry
// would load the bus, Azure and configuration libraries into every command (the emulator image
// ships without them).
export { SERVICE_NAMES, type ServiceName } from '@akv-replicator/runtime/service-names';
