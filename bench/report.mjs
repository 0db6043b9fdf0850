// Collects the figures of one benchmark run, checks the goals, and formats the table.

const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export class Report {
  /** Load results (autocannon runs), each with its ratio to the baseline when one applies. */
  loads = [];
  /** Single figures: durations, rates, memory. */
  measures = [];
  /** Goals with the measured value and whether it was met. */
  goals = [];
  notes = [];

  /**
   * Adds a load result. The ratio compares 2xx responses per second with the baseline's, and
   * `cpuRatio` the baseline's server CPU time per request with this load's, where both have one.
   */
  record(result, baseline) {
    const ratio = baseline ? round(result.okPerSecond / Math.max(baseline.okPerSecond, 1)) : null;
    const cpuRatio =
      baseline?.serverCpuMsPerRequest && result.serverCpuMsPerRequest
        ? round(baseline.serverCpuMsPerRequest / result.serverCpuMsPerRequest)
        : null;
    const entry = {
      ...result,
      baseline: baseline?.name ?? null,
      baselineOkPerSecond: baseline?.okPerSecond ?? null,
      ratio,
      cpuRatio,
    };
    this.loads.push(entry);
    log(
      `${result.name}: ${result.okPerSecond} 2xx/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
        `failed ${result.failed} (429: ${result.rejected429})${ratio === null ? '' : `, ratio ${ratio}`}`,
    );
    return entry;
  }

  measure(name, value, unit) {
    this.measures.push({ name, value, unit });
    log(`${name}: ${value} ${unit}`);
  }

  /** Records a goal `measured <comparison> target`, where comparison is '>=', '<=' or '<'. */
  goal(description, measured, comparison, target) {
    let met = null;
    if (measured !== null && measured !== undefined) {
      const checks = { '>=': measured >= target, '<=': measured <= target, '<': measured < target };
      met = checks[comparison];
    }
    this.goals.push({ goal: description, measured, target: `${comparison} ${target}`, met });
  }

  note(text) {
    this.notes.push(text);
    log(`note: ${text}`);
  }

  table() {
    const loadRows = this.loads.map((entry) => [
      entry.name,
      String(entry.connections),
      String(entry.okPerSecond),
      String(entry.p50Ms),
      String(entry.p99Ms),
      String(entry.failed),
      String(entry.rejected429),
      entry.serverCpuMsPerRequest === null || entry.serverCpuMsPerRequest === undefined ? '' : String(entry.serverCpuMsPerRequest),
      entry.ratio === null ? '' : String(entry.ratio),
      entry.cpuRatio === null ? '' : String(entry.cpuRatio),
    ]);
    const sections = [
      formatTable(
        ['workload', 'clients', '2xx/s', 'p50 ms', 'p99 ms', 'non-2xx', '429', 'cpu ms/req', 'vs baseline', 'cpu vs baseline'],
        loadRows,
      ),
      formatTable(
        ['measure', 'value', 'unit'],
        this.measures.map((entry) => [entry.name, String(entry.value), entry.unit]),
      ),
      formatTable(
        ['goal', 'measured', 'target', 'met'],
        this.goals.map((entry) => [entry.goal, String(entry.measured), entry.target, metLabel(entry.met)]),
      ),
    ];
    if (this.notes.length > 0) sections.push(this.notes.map((text) => `note: ${text}`).join('\n'));
    return `${sections.join('\n\n')}\n`;
  }
}

export function log(message) {
  process.stderr.write(`${message}\n`);
}

export { round };

function metLabel(met) {
  if (met === null) return 'n/a';
  return met ? 'yes' : 'NO';
}

function formatTable(header, rows) {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
