import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigWatcher } from './config-watcher.js';

/** Resolves on the next call of the returned callback. */
function nextCall(): { callback: () => Promise<void>; called: () => Promise<void> } {
  let resolveCall = () => {};
  let pending = new Promise<void>((resolve) => (resolveCall = resolve));
  return {
    callback: async () => {
      resolveCall();
      pending = new Promise<void>((resolve) => (resolveCall = resolve));
    },
    called: () => pending,
  };
}

describe('config watcher', () => {
  let folder: string;
  let watcher: ConfigWatcher | undefined;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'masala-watch-'));
    writeFileSync(join(folder, 'masala_domains.yaml'), 'first');
  });

  afterEach(async () => {
    await watcher?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('reports an edit through fs.watch', async () => {
    const calls = nextCall();
    // The poll interval is far beyond the test timeout, so only a file event can trigger.
    watcher = new ConfigWatcher(folder, calls.callback, {
      debounceMs: 10,
      pollIntervalMs: 3_600_000,
    });
    watcher.start();
    const called = calls.called();
    writeFileSync(join(folder, 'masala_domains.yaml'), 'second');
    await called;
  });

  it('reports an edit through the poll', async () => {
    const calls = nextCall();
    // The debounce is far beyond the test timeout, so only the stat poll can trigger.
    watcher = new ConfigWatcher(folder, calls.callback, {
      debounceMs: 3_600_000,
      pollIntervalMs: 20,
    });
    watcher.start();
    const called = calls.called();
    writeFileSync(join(folder, 'masala_domains.yaml'), 'second, longer');
    await called;
  });

  it('reports a new tenant file through the poll', async () => {
    const calls = nextCall();
    watcher = new ConfigWatcher(folder, calls.callback, {
      debounceMs: 3_600_000,
      pollIntervalMs: 20,
    });
    watcher.start();
    const called = calls.called();
    mkdirSync(join(folder, 'config', 'acme'), { recursive: true });
    writeFileSync(join(folder, 'config', 'acme', 'masala_domains.yaml'), 'tenant');
    await called;
  });

  it('stays quiet without changes', async () => {
    let calls = 0;
    watcher = new ConfigWatcher(folder, async () => void (calls += 1), {
      debounceMs: 10,
      pollIntervalMs: 10,
    });
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(0);
  });
});
