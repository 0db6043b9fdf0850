import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { LogMailAdapter } from './log-mail.adapter.js';
import type { MailMessage } from './mail.port.js';

const message: MailMessage = {
  template: 'password_reset',
  tenantId: 'tenant-1',
  userId: 'user-1',
  to: 'person@example.test',
  subject: 'Reset your password',
  text: 'Your token is mpr_secret-value. It works once.',
  secret: 'mpr_secret-value',
};

describe('LogMailAdapter', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('redacts token and recipient outside development', async () => {
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await new LogMailAdapter(false).send(message);
    const entry = spy.mock.calls[0]?.[0] as Record<string, unknown>;
    expect(JSON.stringify(entry)).not.toContain('mpr_secret-value');
    expect(JSON.stringify(entry)).not.toContain('person@example.test');
    expect(entry.text).toBe('Your token is [redacted]. It works once.');
  });

  it('redacts the address inside the text', async () => {
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await new LogMailAdapter(false).send({ ...message, text: 'Sent to person@example.test: mpr_secret-value' });
    const entry = spy.mock.calls[0]?.[0] as Record<string, unknown>;
    expect(entry.text).toBe('Sent to [redacted]: [redacted]');
  });

  it('shows the token in development', async () => {
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await new LogMailAdapter(true).send(message);
    const entry = spy.mock.calls[0]?.[0] as Record<string, unknown>;
    expect(entry.text).toBe(message.text);
    expect(entry.to).toBe(message.to);
  });
});
