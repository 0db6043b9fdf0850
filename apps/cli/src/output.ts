import cliProgress from 'cli-progress';

/** Prints a result: JSON for scripts with --json, otherwise the human-readable text. */
export function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

export function printTable(rows: Record<string, string>[], columns: string[]): string {
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd();
  return [line(columns), ...rows.map((row) => line(columns.map((column) => row[column] ?? '')))].join('\n');
}

/** Reads all of standard input, for secrets that must not appear in the process list. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Formats the `Examples:` section that every command appends to its --help. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/** Progress of long work: backup, restore, export, import, key rotation, retention. */
export interface ProgressReporter {
  /** Sets the total once it is known, or raises it when more work turns up. */
  setTotal(total: number): void;
  increment(step?: number): void;
  /** Removes the bar; call it before printing the result. */
  stop(): void;
}

export interface ProgressOptions {
  /** With --json no bar is drawn, so that the output stays machine-readable. */
  json?: boolean;
  /** Stream the bar is drawn on: standard output unless a test passes another. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

const SILENT: ProgressReporter = { setTotal: () => undefined, increment: () => undefined, stop: () => undefined };

/**
 * Starts a progress bar (cli-progress) when the stream is a terminal and --json is off, and
 * otherwise a reporter that does nothing, so that pipes, files and CI logs get no control codes.
 */
export function createProgress(label: string, total: number, options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stdout;
  if (options.json || stream.isTTY !== true) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
      stream: stream as NodeJS.WriteStream,
      clearOnComplete: true,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 0), 0);
  let stopped = false;
  return {
    setTotal: (value) => bar.setTotal(Math.max(value, 0)),
    increment: (step = 1) => bar.increment(step),
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/** Runs `work` with a progress reporter and always removes the bar afterwards. */
export async function withProgress<T>(
  label: string,
  total: number,
  options: ProgressOptions,
  work: (progress: ProgressReporter) => Promise<T>,
): Promise<T> {
  const progress = createProgress(label, total, options);
  try {
    return await work(progress);
  } finally {
    progress.stop();
  }
}
