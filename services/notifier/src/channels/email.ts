import type { ConnectionOptions } from 'node:tls';
import { createTransport } from 'nodemailer';
import { DeliveryError } from '../errors';
import { createRedactor, describeCause } from '../redact';
import { describeDigest, type OutcomeView } from '../render/describe';
import type { Digest } from '../notifier/digest';
import type { Channel } from './channel';
import { escapeHtml } from './telegram';

/** Limits of one SMTP exchange (connect, greeting, idle socket). */
export const DEFAULT_SMTP_TIMEOUT_MS = 15_000;

// Nodemailer errors that end the connection (or never open it): another attempt may work.
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY']);

export interface EmailChannelOptions {
  readonly host: string;
  readonly port: number;
  /** `tls`: TLS from the first byte (465); `starttls`: upgrade required (587); `none`: plain. */
  readonly security: 'starttls' | 'tls' | 'none';
  readonly user?: string | undefined;
  /** A credential: never logged. */
  readonly password?: string | undefined;
  readonly from: string;
  readonly to: readonly string[];
  readonly timeoutMs: number;
  /** Extra TLS settings, e.g. `ca` for a relay with a private CA. Certificates are always verified. */
  readonly tls?: Pick<ConnectionOptions, 'ca' | 'servername' | 'minVersion'> | undefined;
}

/** Email over SMTP with nodemailer: plain-text and HTML bodies, STARTTLS/TLS and AUTH. */
export function emailChannel(options: EmailChannelOptions): Channel {
  const redact = createRedactor([options.password]);
  const transport = createTransport({
    host: options.host,
    port: options.port,
    secure: options.security === 'tls',
    requireTLS: options.security === 'starttls',
    ignoreTLS: options.security === 'none',
    ...(options.user !== undefined
      ? { auth: { user: options.user, pass: options.password ?? '' } }
      : {}),
    tls: { ...options.tls, rejectUnauthorized: true },
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  let closed = false;
  return {
    name: 'email',
    async send(digest: Digest, signal?: AbortSignal) {
      const view = describeDigest(digest);
      try {
        await transport.sendMail({
          from: options.from,
          to: [...options.to],
          subject: view.title,
          text: emailText(digest),
          html: emailHtml(digest),
          ...(signal ? { signal } : {}),
        });
      } catch (cause) {
        throw smtpError(cause, redact);
      }
    },
    close() {
      if (!closed) transport.close();
      closed = true;
      return Promise.resolve();
    },
  };
}

/** The plain-text body: title, summary, then each outcome with why and next step. */
export function emailText(digest: Digest): string {
  const view = describeDigest(digest);
  const blocks = view.items.map((item) =>
    [
      item.headline,
      ...(item.why ? [`  Why: ${item.why}`] : []),
      ...(item.next ? [`  Next step: ${item.next}`] : []),
      ...item.facts.map(([label, value]) => `  ${label}: ${value}`),
    ].join('\n'),
  );
  const omitted = view.omitted > 0 ? [`…and ${view.omitted} more not listed here.`] : [];
  return [view.title, view.summary, ...blocks, ...omitted].join('\n\n') + '\n';
}

/** The HTML body: the same content, escaped. */
export function emailHtml(digest: Digest): string {
  const view = describeDigest(digest);
  const omitted = view.omitted > 0 ? `<p>…and ${view.omitted} more not listed here.</p>` : '';
  return `<!doctype html><html><body><h2>${escapeHtml(view.title)}</h2><p>${escapeHtml(view.summary)}</p>${view.items
    .map(outcomeHtml)
    .join('')}${omitted}</body></html>`;
}

function outcomeHtml(item: OutcomeView): string {
  const rows = item.facts
    .map(
      ([label, value]) =>
        `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  return `<h3>${escapeHtml(item.headline)}</h3>${item.why ? `<p><b>Why:</b> ${escapeHtml(item.why)}</p>` : ''}${
    item.next ? `<p><b>Next step:</b> ${escapeHtml(item.next)}</p>` : ''
  }<table>${rows}</table>`;
}

function smtpError(cause: unknown, redact: (text: string) => string): DeliveryError {
  const error = cause as {
    code?: string;
    responseCode?: number;
    permanent?: boolean;
    response?: string;
  };
  const code = typeof error.code === 'string' ? error.code : undefined;
  const responseCode = typeof error.responseCode === 'number' ? error.responseCode : undefined;
  // A reply code decides (4xx transient, 5xx permanent, nodemailer's `permanent` flag);
  // without one, only connection-level failures are worth another attempt. EAUTH is not:
  // wrong credentials stay wrong.
  const retryable =
    responseCode !== undefined
      ? error.permanent !== true && responseCode < 500
      : code !== undefined && TRANSIENT_CODES.has(code);
  const detail = error.response
    ? redact(error.response.slice(0, 300))
    : redact(describeCause(cause));
  return new DeliveryError(
    'email',
    `SMTP ${[code, responseCode].filter(Boolean).join(' ')}: ${detail}`.replace('SMTP :', 'SMTP:'),
    {
      retryable,
      ...(responseCode !== undefined ? { status: responseCode } : {}),
    },
  );
}
