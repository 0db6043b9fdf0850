import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldError } from '#kernel';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

let commonPasswords: Set<string> | undefined;

/** Finds config/common-passwords.txt by walking up from this file to the project root. */
function loadCommonPasswords(): Set<string> {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth += 1) {
    const candidate = join(folder, 'config', 'common-passwords.txt');
    if (existsSync(candidate)) {
      const lines = readFileSync(candidate, 'utf8').split('\n');
      return new Set(lines.map((line) => line.trim().toLowerCase()).filter((line) => line && !line.startsWith('#')));
    }
    folder = dirname(folder);
  }
  throw new Error('config/common-passwords.txt is missing; reinstall the project files');
}

/** Checks a new password: length 12 to 256 and not on the shipped list of common passwords. */
export function validatePassword(password: string, field = 'password'): FieldError[] {
  commonPasswords ??= loadCommonPasswords();
  const errors: FieldError[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    errors.push({ field, rule: 'min_length', message: `${field} must be at least ${MIN_PASSWORD_LENGTH} characters` });
  }
  if (length > MAX_PASSWORD_LENGTH) {
    errors.push({ field, rule: 'max_length', message: `${field} must be at most ${MAX_PASSWORD_LENGTH} characters` });
  }
  if (commonPasswords.has(password.toLowerCase())) {
    errors.push({ field, rule: 'common_password', message: `${field} is on the list of commonly used passwords` });
  }
  return errors;
}
