import { z } from 'zod';
import { isLoopbackHost } from './schema-runtime';
import { secretRefSchema } from './secret-ref';

/** Where discovery serves the status endpoints and page when `status.enabled`. */
export const DEFAULT_STATUS_PORT = 8081;
/** How often the status page polls `GET /status` (seconds). */
export const DEFAULT_STATUS_REFRESH_SECONDS = 10;

/**
 * Discovery's read-only status endpoint and web page (issue #20, docs/adr/0021). Off by default:
 * a deployment that turns it on gives it a bearer token of its own; only a listener on loopback
 * may go without one, and only when `allowUnauthenticated` says so explicitly.
 */
export const statusSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    host: z.string().default('0.0.0.0'),
    /** 0 picks a free port (tests, `up --local`). */
    port: z.int().min(0).max(65535).default(DEFAULT_STATUS_PORT),
    /** Bearer token readers send (`Authorization: Bearer …`): its own, never another credential. */
    token: secretRefSchema.optional(),
    /** No token at all: only with `host` on loopback and no `token`. */
    allowUnauthenticated: z.boolean().default(false),
    /** How often the page re-reads `GET /status`. */
    refreshSeconds: z.number().positive().default(DEFAULT_STATUS_REFRESH_SECONDS),
  })
  .superRefine((status, ctx) => {
    if (status.allowUnauthenticated) {
      if (status.token !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['allowUnauthenticated'],
          message: 'set either token or allowUnauthenticated, not both',
        });
      if (!isLoopbackHost(status.host))
        ctx.addIssue({
          code: 'custom',
          path: ['allowUnauthenticated'],
          message: `only allowed with status.host on loopback (127.0.0.1, ::1, localhost), not ${status.host}`,
        });
    } else if (status.enabled && status.token === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message:
          'the status endpoint needs a bearer token ({ fromEnv } or { fromFile }); without one it is only allowed on loopback with allowUnauthenticated: true',
      });
  })
  .prefault({});
export type StatusConfig = z.output<typeof statusSchema>;
