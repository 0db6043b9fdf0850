import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger, type ArgumentsHost } from '@nestjs/common';
import { ProblemFilter } from '../../apps/api/src/http/problem.filter.js';

function hostFor(response: { statusCode?: number; body?: string }): ArgumentsHost {
  const reply = {
    headersSent: false,
    setHeader: () => reply,
    status: (code: number) => {
      response.statusCode = code;
      return reply;
    },
    type: () => reply,
    send: (body: string) => {
      response.body = body;
      return reply;
    },
  };
  const request = { method: 'POST', route: { path: '/api/v1/tickets' }, headers: {}, header: () => undefined };
  return {
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => request }),
  } as unknown as ArgumentsHost;
}

describe('unhandled error log', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('scrubs personal data from the message and stack', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const response: { statusCode?: number; body?: string } = {};
    const error = new Error('Cannot parse "jan.peeters@example.be, card 4111 1111 1111 1111"');

    await new ProblemFilter().catch(error, hostFor(response));

    expect(response.statusCode).toBe(500);
    const entry = JSON.stringify(logged.mock.calls[0]?.[0]);
    expect(entry).toContain('Cannot parse \\"[email], card [card]\\"');
    expect(entry).not.toContain('jan.peeters@example.be');
    expect(entry).not.toContain('4111 1111 1111 1111');
  });
});
