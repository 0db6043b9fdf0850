import { Logger } from '@nestjs/common';
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import {
  configSignature,
  DOMAIN_FILE_NAME,
  listConfigFiles,
  TENANT_CONFIG_FOLDER,
} from './config-files.js';

export interface ConfigWatcherOptions {
  /** Quiet time after the last file event before a reload, in milliseconds. */
  debounceMs: number;
  /** Interval of the stat check that catches changes fs.watch missed, in milliseconds. */
  pollIntervalMs: number;
}

/**
 * Calls `onChange` when the root file or a tenant file under MASALA_CONFIG_PATH may have
 * changed. fs.watch on the folders gives the fast path; a periodic stat comparison covers file
 * systems where fs.watch reports nothing (network mounts, some containers). Calls never overlap.
 */
export class ConfigWatcher {
  private readonly logger = new Logger(ConfigWatcher.name);
  private readonly watchers = new Map<string, FSWatcher>();
  private signature = '';
  private debounceTimer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly configPath: string,
    private readonly onChange: () => Promise<void>,
    private readonly options: ConfigWatcherOptions,
  ) {}

  start(): void {
    this.signature = configSignature(this.configPath);
    this.updateWatches();
    this.pollTimer = setInterval(() => this.poll(), this.options.pollIntervalMs);
    this.pollTimer.unref();
  }

  /** Stops watching and waits for a reload that is already running. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounceTimer);
    clearInterval(this.pollTimer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    await this.running;
  }

  private poll(): void {
    if (!this.stopped && configSignature(this.configPath) !== this.signature) {
      this.trigger();
    }
  }

  private schedule(): void {
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.trigger(), this.options.debounceMs);
    this.debounceTimer.unref();
  }

  private trigger(): void {
    this.running = this.running.then(async () => {
      if (this.stopped) return;
      // Taken before the reload, so an edit saved during the reload triggers another one.
      this.signature = configSignature(this.configPath);
      try {
        await this.onChange();
      } catch (error) {
        this.logger.error({ message: 'Domain configuration reload failed', error: String(error) });
      }
      if (!this.stopped) this.updateWatches();
    });
  }

  /** Watches MASALA_CONFIG_PATH, its `config` folder and each tenant folder with a file. */
  private updateWatches(): void {
    const tenantRoot = join(this.configPath, TENANT_CONFIG_FOLDER);
    const folders = new Map<string, (name: string | null) => boolean>([
      [
        this.configPath,
        (name) => name === null || name === DOMAIN_FILE_NAME || name === TENANT_CONFIG_FOLDER,
      ],
      [tenantRoot, () => true],
    ]);
    for (const file of listConfigFiles(this.configPath).files) {
      if (file.tenantScope !== null) {
        folders.set(
          join(tenantRoot, file.tenantScope),
          (name) => name === null || name === DOMAIN_FILE_NAME,
        );
      }
    }
    for (const [folder, watcher] of this.watchers) {
      if (!folders.has(folder)) {
        watcher.close();
        this.watchers.delete(folder);
      }
    }
    for (const [folder, isRelevant] of folders) {
      if (!this.watchers.has(folder)) this.watchFolder(folder, isRelevant);
    }
  }

  private watchFolder(folder: string, isRelevant: (name: string | null) => boolean): void {
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, { persistent: false }, (_event, name) => {
        if (isRelevant(name === null ? null : String(name))) this.schedule();
      });
    } catch (error) {
      // A folder that does not exist yet is picked up by the poll once it appears.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        this.logger.warn({
          message: 'Failed to watch the folder; polling for changes instead',
          folder,
          error: String(error),
        });
      }
      return;
    }
    watcher.on('error', (error) => {
      this.logger.warn({
        message: 'Watching the folder failed; polling for changes instead',
        folder,
        error: String(error),
      });
      watcher.close();
      this.watchers.delete(folder);
    });
    this.watchers.set(folder, watcher);
  }
}
