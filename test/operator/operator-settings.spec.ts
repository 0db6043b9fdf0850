import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createLogger } from '../../apps/api/src/app.factory.js';
import { InvalidSettingsError, loadSettings } from '#kernel';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSettings(env, '/srv/masala');
  } catch (error) {
    if (error instanceof InvalidSettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe('operator settings', () => {
  it('defaults to metrics on loopback with bounded tenant labels', () => {
    const settings = loadSettings({}, '/srv/masala');
    expect(settings.metricsPort).toBeUndefined();
    expect(settings.metricsHost).toBe('127.0.0.1');
    expect(settings.metricsTenantLabels).toBe(20);
    expect(settings.logFormat).toBe('auto');
    expect(settings.logLevel).toBe('log');
    expect(settings.shutdownTimeoutMs).toBe(10000);
  });

  it('reads the metrics port, host and label limit', () => {
    const settings = loadSettings(
      { MASALA_METRICS_PORT: '9464', MASALA_METRICS_HOST: '0.0.0.0', MASALA_METRICS_TENANT_LABELS: '5' },
      '/srv/masala',
    );
    expect(settings.metricsPort).toBe(9464);
    expect(settings.metricsHost).toBe('0.0.0.0');
    expect(settings.metricsTenantLabels).toBe(5);
  });

  it('reports each invalid operator setting', () => {
    const problems = problemsOf({
      MASALA_METRICS_PORT: 'ninety',
      MASALA_METRICS_TOKEN: 'short',
      MASALA_LOG_FORMAT: 'xml',
      MASALA_LOG_LEVEL: 'loud',
      MASALA_SHUTDOWN_TIMEOUT_MS: '-1',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'MASALA_METRICS_PORT="ninety" is invalid: expected a whole number from 1 to 65535',
        'MASALA_METRICS_TOKEN is too short: use at least 16 random characters',
        'MASALA_LOG_FORMAT="xml" is invalid: expected one of auto, json, text',
        'MASALA_LOG_LEVEL="loud" is invalid: expected one of error, warn, log, debug, verbose',
        'MASALA_SHUTDOWN_TIMEOUT_MS="-1" is invalid: expected a whole number from 0 to 600000',
      ]),
    );
  });

  it('rejects a metrics port equal to the API port', () => {
    expect(problemsOf({ PORT: '8080', MASALA_METRICS_PORT: '8080' })).toContain(
      'MASALA_METRICS_PORT=8080 is invalid: it must differ from PORT',
    );
  });
});

describe('createLogger', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const capture = (logger: ReturnType<typeof createLogger>): string => {
    let written = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += chunk.toString();
      return true;
    });
    logger.log({ message: 'request', status: 200 }, 'HTTP');
    return written;
  };

  it('writes JSON lines when stdout is not a terminal', () => {
    const line = capture(createLogger({ logFormat: 'auto', logLevel: 'log' }, { isTTY: false }));
    expect(JSON.parse(line)).toMatchObject({ level: 'log', context: 'HTTP', message: { status: 200 } });
  });

  it('writes readable lines to a terminal', () => {
    const line = capture(createLogger({ logFormat: 'auto', logLevel: 'log' }, { isTTY: true }));
    expect(() => JSON.parse(line)).toThrow();
    expect(line).toContain('[masala]');
    expect(line).toContain('HTTP');
  });

  it('keeps JSON on a terminal when asked', () => {
    const line = capture(createLogger({ logFormat: 'json', logLevel: 'log' }, { isTTY: true }));
    expect(JSON.parse(line)).toMatchObject({ level: 'log' });
  });

  it('drops messages below the level', () => {
    const logger = createLogger({ logFormat: 'json', logLevel: 'warn' }, { isTTY: false });
    expect(capture(logger)).toBe('');
  });
});
