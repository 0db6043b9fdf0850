export { isValidBelgianNationalNumber } from './be-national-number.js';
export { findPersonalData, type FindPersonalDataOptions } from './find-personal-data.js';
export { isLuhnValid } from './luhn.js';
export { PII_KINDS, type PiiKind, type PiiMatch } from './pii-match.js';
export {
  compileKnownValues,
  DEFAULT_PLACEHOLDERS,
  ERASED_PLACEHOLDER,
  scrubKnownValues,
  type KnownValuesMatcher,
  scrubPersonalData,
  type ScrubOptions,
  type ScrubResult,
} from './scrub.js';
