import { describe, expect, it } from '@jest/globals';
import { parseTenantSettingAssignments, validateTenantSettings } from './tenant-settings.js';

describe('parseTenantSettingAssignments', () => {
  it('parses every setting to its type', () => {
    const { values, errors } = parseTenantSettingAssignments([
      'rateLimitPerMinute=1200',
      'corsOrigins=https://desk.acme.example, http://localhost:8080',
      'mandatoryTwoFactor=TRUE',
      'retentionDays=365',
      'auditRetentionDays=3650',
      'consentPurposes=[{"code":"support","requiresConsent":false,"blocks":[]}]',
    ]);
    expect(errors).toEqual([]);
    expect(values).toEqual({
      rateLimitPerMinute: 1200,
      corsOrigins: ['https://desk.acme.example', 'http://localhost:8080'],
      mandatoryTwoFactor: true,
      retentionDays: 365,
      auditRetentionDays: 3650,
      consentPurposes: [{ code: 'support', requiresConsent: false, blocks: [] }],
    });
  });

  it('clears the origins with an empty value', () => {
    expect(parseTenantSettingAssignments(['corsOrigins=']).values).toEqual({ corsOrigins: [] });
  });

  it('reports every problem at once', () => {
    const { errors } = parseTenantSettingAssignments([
      'rateLimitPerMinute=fast',
      'retentionDays=0',
      'corsOrigins=*',
      'mandatoryTwoFactor=yes',
      'colour=blue',
      'no-equals-sign',
      'consentPurposes=[1]',
      'auditRetentionDays=10',
      'auditRetentionDays=20',
    ]);
    expect(errors.map((error) => `${error.field}:${error.rule}`)).toEqual([
      'settings.rateLimitPerMinute:valid',
      'settings.retentionDays:valid',
      'settings.corsOrigins:valid',
      'settings.mandatoryTwoFactor:valid',
      'settings.colour:known',
      'settings:format',
      'settings.consentPurposes:valid',
      'settings.auditRetentionDays:unique',
    ]);
    expect(errors[0]!.message).toBe('rateLimitPerMinute="fast" is invalid: must be a whole number from 1 to 10000000');
  });

  it('rejects an origin with a path', () => {
    const { errors } = parseTenantSettingAssignments(['corsOrigins=https://desk.acme.example/app']);
    expect(errors).toHaveLength(1);
  });
});

describe('validateTenantSettings', () => {
  it('accepts typed valid settings', () => {
    expect(validateTenantSettings({ rateLimitPerMinute: 5, mandatoryTwoFactor: false, corsOrigins: [] })).toEqual([]);
  });

  it('rejects wrong types', () => {
    const errors = validateTenantSettings({ rateLimitPerMinute: '5', mandatoryTwoFactor: 1, corsOrigins: 'https://a.example' });
    expect(errors.map((error) => error.field)).toEqual([
      'settings.rateLimitPerMinute',
      'settings.mandatoryTwoFactor',
      'settings.corsOrigins',
    ]);
  });
});
