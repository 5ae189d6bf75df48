// Test doubles that ship with @akv-replicator/core; production code never imports this entry.
export { ManualClock } from './manual-clock';
export { CounterRecorder } from './counter-recorder';
