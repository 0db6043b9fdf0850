import { Logger } from '@nestjs/common';
import type { MailMessage, MailPort } from './mail.port.js';

export const REDACTED = '[redacted]';

/**
 * Default mail port: writes each message to the log instead of sending it. Outside development
 * the token and the recipient's address are replaced by "[redacted]", so logs never carry a
 * working credential or an e-mail address.
 */
export class LogMailAdapter implements MailPort {
  private readonly logger = new Logger(LogMailAdapter.name);

  constructor(private readonly revealSecrets: boolean) {}

  send(message: MailMessage): Promise<void> {
    const text = this.revealSecrets ? message.text : message.text.split(message.secret).join(REDACTED);
    this.logger.log({
      message: 'mail (log adapter, not delivered)',
      template: message.template,
      tenantId: message.tenantId,
      userId: message.userId,
      to: this.revealSecrets ? message.to : REDACTED,
      subject: message.subject,
      text,
    });
    return Promise.resolve();
  }
}
