export * from './types.js';
export { DomainConfigurationError, formatProblem } from './errors.js';
export { parseDomainConfiguration, loadDomainConfigurationFile } from './parser.js';
export { validateCustomFields, normalizeCustomFieldValues } from './custom-fields.js';
export { evaluateTransition, describeCondition } from './transitions.js';
export { dueDateFor, describeDomain } from './describe.js';
