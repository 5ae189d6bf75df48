export { createApp } from './app';
export type { App, AppDeps } from './app';
export { Notifier } from './notifier/notifier';
export type { NotifierOptions } from './notifier/notifier';
export type { Digest, ReportedOutcome, StatusCounts } from './notifier/digest';
export {
  DEFAULT_DELIVERY_ATTEMPTS,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  DEFAULT_RETRY_POLICY,
  retryPolicy,
} from './notifier/delivery';
export type { RetryPolicy } from './notifier/delivery';
export { DEFAULT_RESYNC_MAX_WINDOWS, DEFAULT_MAX_DIGEST_OUTCOMES } from './notifier/digest-buffer';
export { MemoryDeadLetterStore } from './notifier/dead-letter';
export type { DeadLetterEntry, DeadLetterStore } from './notifier/dead-letter';
export { compileChannelFilter } from './notifier/outcome-filter';
export type { ChannelFilterConfig, EventSelection } from './notifier/outcome-filter';
export {
  outcomeHandler,
  NOTIFIER_SUBSCRIPTION,
  STOPPING_RETRY_DELAY_MS,
} from './handlers/outcome-handler';
export type { OutcomeSink } from './handlers/outcome-handler';
export type { Channel, ChannelBinding } from './channels/channel';
export { DeliveryError } from './errors';
export type { ChannelName } from './errors';
export {
  verifyWebhookSignature,
  signBody,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DELIVERY_HEADER,
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  WEBHOOK_PAYLOAD_TYPE,
} from './channels/webhook';
export type { SignatureCheck } from './channels/webhook';
export { DEFAULT_TELEGRAM_API_BASE_URL } from './channels/telegram';
export { DEFAULT_HTTP_TIMEOUT_MS } from './channels/http-post';
export { DEFAULT_SMTP_TIMEOUT_MS } from './channels/email';
export { systemClock, ManualClock } from './clock';
export type { Clock, TimerHandle } from './clock';
export { jsonLogger } from './logger';
