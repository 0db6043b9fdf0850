/** An e-mail that identity sends: an invitation or a password reset. */
export interface MailMessage {
  template: 'invitation' | 'password_reset';
  tenantId: string;
  /** The account the message is about, for logs that must not contain the address. */
  userId: string;
  to: string;
  subject: string;
  /** Plain-text body; contains `secret` where the recipient needs it. */
  text: string;
  /** The single-use token in `text`. Adapters that write messages anywhere but the mailbox must redact it. */
  secret: string;
}

/** Delivers identity's e-mail. Bind another implementation (SMTP, an HTTP mail API) in its place. */
export interface MailPort {
  send(message: MailMessage): Promise<void>;
}

export const MAIL_PORT = Symbol('MAIL_PORT');
