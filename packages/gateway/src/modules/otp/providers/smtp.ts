import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpSettings } from '../../../config.js';
import type { Secret } from '../../../crypto/secret.js';
import { OTP_EMAIL_SUBJECT, otpMessageText, OtpDeliveryError, type OtpDelivery, type OtpSender } from './sender.js';

/** Characters that would let one address field turn into several recipients or headers. */
const UNSAFE_ADDRESS = /[\s,;<>"'()[\]\\:]/;

/**
 * E-mail through an SMTP relay, with nodemailer (the de facto Node mailer).
 * One connection per message (OTP volume is low; nothing idle to go stale),
 * every phase bounded by the timeout, nodemailer's own logging off (it
 * would print the message), and no file or URL attachments ever resolved.
 */
export class SmtpSender implements OtpSender {
  readonly name = 'smtp';
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(settings: SmtpSettings) {
    const url = new URL(settings.url.reveal());
    const secure = url.protocol === 'smtps:';
    this.#from = settings.from;
    this.#transport = nodemailer.createTransport({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      requireTLS: settings.requireTls,
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
      dnsTimeout: settings.timeoutMs,
      logger: false,
      debug: false,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(to: string, code: Secret<string>, delivery: OtpDelivery): Promise<void> {
    if (UNSAFE_ADDRESS.test(to)) throw new OtpDeliveryError('smtp: unsupported characters in the address');
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: { name: '', address: to },
        subject: OTP_EMAIL_SUBJECT,
        text: `${otpMessageText(code, delivery)}\n\nIf you did not start a payment, ignore this e-mail.\n`,
      });
    } catch (err) {
      throw new OtpDeliveryError(`smtp: ${describeSmtpError(err)}`);
    }
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}

/** nodemailer's error code and the server's reply code — never its message, which may quote the address. */
function describeSmtpError(err: unknown): string {
  const { code, responseCode } = (err ?? {}) as { code?: unknown; responseCode?: unknown };
  return [typeof code === 'string' ? code : 'error', typeof responseCode === 'number' ? `reply ${responseCode}` : ''].filter(Boolean).join(' ');
}
