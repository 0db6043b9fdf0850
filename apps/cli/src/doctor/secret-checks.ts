import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadMasterKey, type MasalaSettings } from '#kernel';
import { errorMessage, fail, octalMode, ok, warn, type CheckResult } from './doctor-check.js';

const MASTER_KEY_FILE = 'master.key';
const CERTIFICATE_RENEWAL_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

function privateFileProblem(check: string, file: string): CheckResult | undefined {
  const mode = statSync(file).mode;
  if ((mode & 0o077) === 0) return undefined;
  return fail(check, `${file} is readable by other users (mode ${octalMode(mode)})`, `chmod 600 ${file}`);
}

function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

function checkMasterKey(settings: MasalaSettings): CheckResult[] {
  if (settings.masterKey) return [ok('keys', 'master key supplied by MASALA_MASTER_KEY')];
  const file = settings.masterKeyFile ?? join(settings.dataDir, MASTER_KEY_FILE);
  if (!existsSync(file)) {
    if (settings.masterKeyFile) {
      return [fail('keys', `MASALA_MASTER_KEY_FILE names ${file}, which does not exist`, 'Restore the key file from your secret store')];
    }
    const hasData = existsSync(join(settings.dataDir, 'masala.sqlite'));
    return hasData
      ? [fail('keys', `${file} is missing but the data folder holds databases`, 'Restore master.key from its backup; without it encrypted fields cannot be read')]
      : [warn('keys', `${file} does not exist yet`, 'Start the API once to generate it, or set MASALA_MASTER_KEY_FILE')];
  }
  const permissions = privateFileProblem('keys', file);
  if (permissions) return [permissions];
  try {
    const loaded = loadMasterKey({ env: { MASALA_MASTER_KEY_FILE: file } });
    const results = [ok('keys', `master key ${file} is readable, 32 bytes, mode 0600`)];
    if (!settings.masterKeyFile) {
      results.push(
        warn('keys', 'the master key is stored in the data folder, so a copy of the folder contains everything needed to read the data', 'Move it to a secret store and set MASALA_MASTER_KEY_FILE'),
      );
    }
    return results.concat(loaded.warnings.filter((text) => !/data directory/.test(text)).map((text) => warn('keys', text, 'See the message')));
  } catch (error) {
    return [fail('keys', `${file} is not a valid master key: ${errorMessage(error)}`, 'Restore the key file from its backup')];
  }
}

export function checkKeys(settings: MasalaSettings): CheckResult[] {
  const results = checkMasterKey(settings);
  const loose = filesUnder(join(settings.dataDir, 'keys'))
    .map((file) => privateFileProblem('keys', file))
    .filter((result): result is CheckResult => result !== undefined);
  results.push(...loose);
  if (settings.jwtSecret !== undefined && Buffer.byteLength(settings.jwtSecret) < 32) {
    results.push(fail('keys', 'MASALA_JWT_SECRET is shorter than 32 bytes', 'Set it to at least 32 random bytes, for example: openssl rand -base64 48'));
  }
  return results;
}

function readPem(check: string, file: string): { text?: string; problem?: CheckResult } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    return { problem: fail(check, `${file} cannot be read: ${errorMessage(error)}`, 'Check the path and that this user may read it') };
  }
}

export function checkTls(settings: MasalaSettings, now = new Date()): CheckResult[] {
  if (!settings.tlsCertFile || !settings.tlsKeyFile) {
    const detail = 'not configured: the API serves plain HTTP';
    const fix = 'Terminate TLS at a proxy, or set MASALA_TLS_CERT and MASALA_TLS_KEY';
    return [settings.environment === 'production' ? warn('tls', detail, fix) : ok('tls', detail)];
  }
  const certificateFile = readPem('tls', settings.tlsCertFile);
  const keyFile = readPem('tls', settings.tlsKeyFile);
  const unreadable = [certificateFile.problem, keyFile.problem].filter((result): result is CheckResult => !!result);
  if (unreadable.length > 0) return unreadable;

  let certificate: X509Certificate;
  let key: KeyObject;
  try {
    certificate = new X509Certificate(certificateFile.text!);
  } catch (error) {
    return [fail('tls', `${settings.tlsCertFile} is not a PEM certificate: ${errorMessage(error)}`, 'Point MASALA_TLS_CERT at the PEM certificate chain')];
  }
  try {
    key = createPrivateKey(keyFile.text!);
  } catch (error) {
    return [fail('tls', `${settings.tlsKeyFile} is not a PEM private key: ${errorMessage(error)}`, 'Point MASALA_TLS_KEY at the unencrypted PEM private key')];
  }
  if (!certificate.checkPrivateKey(key)) {
    return [fail('tls', `${settings.tlsKeyFile} does not belong to ${settings.tlsCertFile}`, 'Use the key the certificate was issued for')];
  }
  const results: CheckResult[] = [];
  const permissions = privateFileProblem('tls', settings.tlsKeyFile);
  if (permissions) results.push(permissions);
  const validTo = new Date(certificate.validTo);
  const validFrom = new Date(certificate.validFrom);
  if (validFrom > now) {
    results.push(fail('tls', `the certificate is valid only from ${validFrom.toISOString()}`, 'Check the system clock or the certificate'));
  } else if (validTo <= now) {
    results.push(fail('tls', `the certificate expired on ${validTo.toISOString()}`, 'Renew the certificate and restart the API'));
  } else if (validTo.getTime() - now.getTime() < CERTIFICATE_RENEWAL_DAYS * DAY_MS) {
    results.push(warn('tls', `the certificate expires on ${validTo.toISOString()}`, 'Renew the certificate before it expires'));
  } else {
    results.push(ok('tls', `certificate for ${certificate.subject.replace(/\n/g, ', ')} valid until ${validTo.toISOString()}`));
  }
  return results;
}
