import type { Writable } from 'node:stream';

/** The destination closed or failed before the document was complete. */
export class ExportAbortedError extends Error {
  constructor(reason: string) {
    super(`The export destination closed before the document was complete: ${reason}`);
  }
}

/**
 * Writes one JSON document to a stream piece by piece, honouring backpressure: `write` waits for
 * `drain` whenever the stream's buffer is full. A producer that awaits each write therefore keeps
 * at most about the stream's highWaterMark plus one record in memory.
 */
export class JsonStreamWriter {
  private failure?: Error;
  private readonly onError = (error: Error) => {
    this.failure = new ExportAbortedError(error.message);
  };
  private readonly onClose = () => {
    if (!this.finished) this.failure ??= new ExportAbortedError('the connection was closed');
  };
  private finished = false;
  /** Bytes written so far. */
  bytes = 0;

  constructor(private readonly sink: Writable) {
    sink.on('error', this.onError);
    sink.on('close', this.onClose);
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    this.bytes += Buffer.byteLength(text);
    if (this.sink.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        this.sink.off('drain', onDrain);
        this.sink.off('close', onStop);
        this.sink.off('error', onStop);
      };
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onStop = () => {
        cleanup();
        reject(this.failure ?? new ExportAbortedError('the connection was closed'));
      };
      this.sink.on('drain', onDrain);
      this.sink.on('close', onStop);
      this.sink.on('error', onStop);
    });
  }

  /** Ends the stream and waits until its data is flushed. */
  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    this.finished = true;
    await new Promise<void>((resolve, reject) => {
      this.sink.once('error', reject);
      this.sink.end(() => resolve());
    });
    this.detach();
  }

  detach(): void {
    this.sink.off('error', this.onError);
    this.sink.off('close', this.onClose);
  }
}
