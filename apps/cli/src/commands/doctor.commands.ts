import type { Command } from 'commander';
import { EXIT_FAILURE, EXIT_OK } from '../cli-context.js';
import type { CheckResult, CheckStatus } from '../doctor/doctor-check.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { examples, print } from '../output.js';

const MARKS: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

function formatResults(results: CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.check.length));
  const lines = results.flatMap((result) => {
    const line = `${MARKS[result.status]}  ${result.check.padEnd(width)}  ${result.detail}`;
    return result.fix ? [line, `${' '.repeat(width + 8)}fix: ${result.fix}`] : [line];
  });
  const failed = results.filter((result) => result.status === 'fail').length;
  const warned = results.filter((result) => result.status === 'warn').length;
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  lines.push(
    '',
    failed === 0
      ? `No problems found (${count(warned, 'warning')}).`
      : `${count(failed, 'problem')} found, ${count(warned, 'warning')}.`,
  );
  return lines.join('\n');
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check settings, domain file, databases, migrations, keys, TLS files and data folder permissions; exit 1 when a check fails',
    )
    .option('--json', 'print the checks as JSON')
    .addHelpText(
      'after',
      examples(
        'npm run masala -- doctor',
        'MASALA_DATA_DIR=/srv/masala npm run masala -- doctor --json',
      ),
    )
    .action(async (options: { json?: boolean }) => {
      const results = await runDoctor(process.env);
      const healthy = results.every((result) => result.status !== 'fail');
      print(Boolean(options.json), { ok: healthy, checks: results }, formatResults(results));
      process.exitCode = healthy ? EXIT_OK : EXIT_FAILURE;
    });
}
