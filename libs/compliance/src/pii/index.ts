export { isValidBelgianNationalNumber } from './be-national-number.js';
export { findPersonalData, type FindPersonalDataOptions } from './find-personal-data.js';
export { isLuhnValid } from './luhn.js';
export { PII_KINDS, type PiiKind, type PiiMatch } from './pii-match.js';
export {
  DEFAULT_PLACEHOLDERS,
  ERASED_PLACEHOLDER,
  scrubKnownValues,
  scrubPersonalData,
  type ScrubOptions,
  type ScrubResult,
} from './scrub.js';
