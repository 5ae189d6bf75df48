// Test kit of @akv-replicator/notifier (the `./testing` entry point): local receivers for every
// channel (HTTP, SMTP with TLS), a failed outcome builder and the channel world that wires a
// notifier to them. The main entry never re-exports these and production code never imports
// this entry point (eslint.config.js).
export { SECRETS, TELEGRAM_OK, startChannelWorld } from './channel-world';
export type { ChannelWorldOptions } from './channel-world';
export { HttpReceiver } from './http-receiver';
export type { ReceivedRequest, CannedResponse } from './http-receiver';
export { SmtpReceiver, decodeQuotedPrintable } from './smtp-receiver';
export type { ReceivedMail, SmtpReceiverOptions } from './smtp-receiver';
export { selfSignedCert } from './self-signed-cert';
export type { SelfSignedCert } from './self-signed-cert';
export { failedOutcome } from './outcomes';
