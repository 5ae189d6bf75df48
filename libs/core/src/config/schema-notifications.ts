import { z } from 'zod';
import { secretRefSchema } from './secret-ref';

export const DEFAULT_DIGEST_WINDOW_SECONDS = 60;
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 3600;

/** Which outcomes reach a channel (seed tool's `notifications.events`). */
export const eventFilterSchema = z.strictObject({
  onSuccess: z.boolean().default(false),
  onFailure: z.boolean().default(true),
  onWarning: z.boolean().default(true),
});

/** Every channel can narrow its own events and to some links or vaults. */
const channelShape = {
  enabled: z.boolean().default(true),
  events: eventFilterSchema.optional(),
  links: z.array(z.string().min(1)).optional(),
  vaults: z.array(z.string().min(1)).optional(),
};

export const notificationsSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    events: eventFilterSchema.prefault({}),
    /** Outcomes of one resync or within this window are grouped into one message. */
    digestWindowSeconds: z.int().min(0).default(DEFAULT_DIGEST_WINDOW_SECONDS),
    /** The same failure is reported again only after this long. */
    dedupeWindowSeconds: z.int().min(0).default(DEFAULT_DEDUPE_WINDOW_SECONDS),
    slack: z
      .strictObject({
        ...channelShape,
        webhookUrl: secretRefSchema,
        channel: z.string().optional(),
      })
      .optional(),
    teams: z.strictObject({ ...channelShape, webhookUrl: secretRefSchema }).optional(),
    telegram: z
      .strictObject({
        ...channelShape,
        botToken: secretRefSchema,
        chatId: z.union([z.string().min(1), secretRefSchema]),
      })
      .optional(),
    email: z
      .strictObject({
        ...channelShape,
        smtpServer: z.string().min(1),
        smtpPort: z.int().min(1).max(65535).default(587),
        /** starttls (587), tls (465) or none (local relays only). */
        security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
        smtpUser: z.string().min(1).optional(),
        smtpPassword: secretRefSchema.optional(),
        from: z.email(),
        to: z.array(z.email()).min(1),
      })
      .refine((email) => (email.smtpUser === undefined) === (email.smtpPassword === undefined), {
        message: 'smtpUser and smtpPassword go together',
        path: ['smtpPassword'],
      })
      .optional(),
    webhook: z
      .strictObject({
        ...channelShape,
        url: secretRefSchema,
        /** HMAC-SHA256 key; the signature is sent in `X-Akv-Replicator-Signature`. */
        signingSecret: secretRefSchema.optional(),
      })
      .optional(),
  })
  .prefault({});
export type NotificationsConfig = z.output<typeof notificationsSchema>;
