import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MAIL_PORT, type MailMessage, type MailPort } from './mail.port.js';

/**
 * Sends identity's e-mail through the bound mail port, after the change that produced the
 * message has committed.
 *
 * NOTE: delivery runs in this process after commit, not from an outbox, so a message is lost
 * when the process stops in between; the recipient can request a new one.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly pending = new Set<Promise<void>>();

  constructor(@Inject(MAIL_PORT) private readonly port: MailPort) {}

  /** Sends and waits; returns false, after logging the failure, when the port rejects. */
  async send(message: MailMessage): Promise<boolean> {
    try {
      await this.port.send(message);
      return true;
    } catch (error) {
      this.logFailure(message, error);
      return false;
    }
  }

  /**
   * Sends without making the caller wait, so a response takes the same time whether or not a
   * message was sent. Failures are logged with the tenant and user ids.
   */
  dispatch(message: MailMessage): void {
    const delivery = this.send(message).then(() => undefined);
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.pending);
  }

  private logFailure(message: MailMessage, error: unknown): void {
    this.logger.error({
      message: 'Mail delivery failed',
      template: message.template,
      tenantId: message.tenantId,
      userId: message.userId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
