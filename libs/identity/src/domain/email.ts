import type { FieldError } from '#kernel';

const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function validateEmail(email: string, field = 'email'): FieldError[] {
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
    return [{ field, rule: 'email', message: `${field} must be a valid e-mail address` }];
  }
  return [];
}
