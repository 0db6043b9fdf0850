import type { ConfigurationProblem } from './types.js';

/** Formats a problem as `file:line: key: message`, leaving out the parts that are unknown. */
export function formatProblem(problem: ConfigurationProblem): string {
  const location = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  const key = problem.key === '' ? '' : `${problem.key}: `;
  return `${location}: ${key}${problem.message}`;
}

/** Rejection of a domain configuration file, listing every problem found in it. */
export class DomainConfigurationError extends Error {
  readonly problems: ConfigurationProblem[];

  constructor(problems: ConfigurationProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'DomainConfigurationError';
    this.problems = problems;
  }
}
