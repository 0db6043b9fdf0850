import type { MailMessage, MailPort } from '#identity';

type Waiter = { matches: (message: MailMessage) => boolean; resolve: (message: MailMessage) => void };

/** A mail port that keeps every message in memory, so a test can read the tokens it carries. */
export class CapturingMailAdapter implements MailPort {
  readonly messages: MailMessage[] = [];
  private readonly waiters: Waiter[] = [];

  send(message: MailMessage): Promise<void> {
    this.messages.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.matches(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
    return Promise.resolve();
  }

  /** Resolves with the first message, already sent or still to come, that matches. */
  next(matches: (message: MailMessage) => boolean): Promise<MailMessage> {
    const sent = this.messages.find(matches);
    if (sent) return Promise.resolve(sent);
    return new Promise((resolve) => this.waiters.push({ matches, resolve }));
  }

  /** Resolves with the next message of `template` to `to` that arrives after `after` messages. */
  nextTo(to: string, template: MailMessage['template'], after = this.messages.length): Promise<MailMessage> {
    const sent = this.messages.slice(after).find((message) => message.to === to && message.template === template);
    if (sent) return Promise.resolve(sent);
    return new Promise((resolve) =>
      this.waiters.push({ matches: (message) => message.to === to && message.template === template, resolve }),
    );
  }
}

/** Reads the token out of a message body the way a person would copy it. */
export function tokenIn(message: MailMessage): string {
  const match = /\b(mit|mpr)_[A-Za-z0-9_-]{43}\b/.exec(message.text);
  if (!match) throw new Error(`No token in the ${message.template} message`);
  return match[0];
}
