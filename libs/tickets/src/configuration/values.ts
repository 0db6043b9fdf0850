/** Value rules shared by configuration parsing, custom field validation and conditions. */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Returns whether `text` is an existing calendar date written as `YYYY-MM-DD`. */
export function isCalendarDate(text: string): boolean {
  const match = CALENDAR_DATE.exec(text);
  if (match === null) {
    return false;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** Returns whether a custom field value counts as not filled in: absent, null, blank or `[]`. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) {
    return true;
  }
  if (typeof value === 'string') {
    return value.trim() === '';
  }
  return Array.isArray(value) && value.length === 0;
}

/**
 * Largest currency amount accepted, so that the amount in cents stays an exactly
 * representable integer (Number.MAX_SAFE_INTEGER cents).
 */
export const MAX_CURRENCY_AMOUNT = Math.floor(Number.MAX_SAFE_INTEGER / 100);

/** Returns whether a non-negative number has at most two decimal places. */
export function hasAtMostTwoDecimals(amount: number): boolean {
  return /^\d+(\.\d{1,2})?$/.test(String(amount));
}

export const MILLISECONDS_PER_DAY = 24 * 60 * 60 * 1000;
