import { Logger } from '@nestjs/common';
import type { MailMessage, MailPort } from './mail.port.js';

export const REDACTED = '[redacted]';

/**
 * Default mail port: writes each message to the log instead of sending it. Unless
 * `revealSecrets` is set (only for an explicit NODE_ENV=development), every occurrence of the
 * token and of the recipient's address is replaced by "[redacted]", so logs carry neither a
 * working credential nor an e-mail address.
 */
export class LogMailAdapter implements MailPort {
  private readonly logger = new Logger(LogMailAdapter.name);

  constructor(private readonly revealSecrets: boolean) {}

  send(message: MailMessage): Promise<void> {
    const text = this.revealSecrets ? message.text : redact(message.text, [message.secret, message.to]);
    this.logger.log({
      message: 'mail (log adapter, not delivered)',
      template: message.template,
      tenantId: message.tenantId,
      userId: message.userId,
      to: this.revealSecrets ? message.to : REDACTED,
      subject: this.revealSecrets ? message.subject : redact(message.subject, [message.secret, message.to]),
      text,
    });
    return Promise.resolve();
  }
}

function redact(text: string, values: string[]): string {
  return values.filter((value) => value !== '').reduce((result, value) => result.split(value).join(REDACTED), text);
}
