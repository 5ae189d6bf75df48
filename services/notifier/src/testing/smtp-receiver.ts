import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SelfSignedCert } from './self-signed-cert';

/** One message an SMTP receiver accepted. */
export interface ReceivedMail {
  readonly from: string | undefined;
  readonly to: readonly string[];
  /** Authenticated user, if the client logged in. */
  readonly user: string | undefined;
  /** Whether the session was encrypted (implicit TLS or after STARTTLS). */
  readonly secure: boolean;
  /** The raw RFC 5322 message. */
  readonly raw: string;
}

export interface SmtpReceiverOptions {
  /** `tls`: TLS from connect; `starttls`: plain, upgraded by STARTTLS (required before AUTH). */
  readonly mode: 'tls' | 'starttls';
  readonly cert: SelfSignedCert;
  readonly user: string;
  readonly password: string;
  /** Reply to DATA with this SMTP error instead of accepting, e.g. `{ code: 451, ... }`. */
  readonly rejectWith?: { code: number; message: string };
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 with TLS and AUTH PLAIN/LOGIN,
 * refusing AUTH over an unencrypted connection, recording every accepted message.
 */
export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  readonly authFailures: string[] = [];
  readonly #server: SMTPServer;

  private constructor(options: SmtpReceiverOptions) {
    this.#server = new SMTPServer({
      secure: options.mode === 'tls',
      key: options.cert.key,
      cert: options.cert.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === options.user && auth.password === options.password) {
          callback(null, { user: auth.username });
        } else {
          this.authFailures.push(auth.username ?? '');
          callback(new Error('Invalid username or password'));
        }
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (options.rejectWith) {
            const error = Object.assign(new Error(options.rejectWith.message), {
              responseCode: options.rejectWith.code,
            });
            callback(error);
            return;
          }
          const from = session.envelope.mailFrom;
          this.mails.push({
            from: from ? from.address : undefined,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            secure: session.secure,
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
  }

  static async start(options: SmtpReceiverOptions): Promise<SmtpReceiver> {
    const receiver = new SmtpReceiver(options);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.#server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * Decodes a raw message enough to search its text: quoted-printable soft breaks and escapes
 * undone, base64 parts left as they are (nodemailer uses quoted-printable for text).
 */
export function decodeQuotedPrintable(raw: string): string {
  const bytes = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
