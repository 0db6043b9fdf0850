import { describe, expect, it } from '@jest/globals';
import {
  normalizeCustomFieldValues,
  parseDomainConfiguration,
  validateCustomFields,
  type DomainDefinition,
  type FieldViolation,
} from './index.js';

const YAML = `
domains:
  Clinic:
    work_item_types:
      - { code: VISIT, name: Visit }
      - { code: REFILL, name: Refill }
    custom_fields:
      - { name: note, type: text }
      - { name: weight_kg, type: number, min: 0.5, max: 300 }
      - { name: specialist, type: select, options: [Cardiology, Dermatology], required: true }
      - { name: symptoms, type: multi_select, options: [Fever, Cough, Rash] }
      - { name: preferred_date, type: date }
      - { name: is_urgent, type: boolean }
      - { name: fee, type: currency }
      - { name: medication, type: text, required_for_types: [REFILL] }
      - { name: urgency_reason, type: text, required_for_priority: [High, Critical] }
      - { name: patient_id, type: text, sensitive: true }
    workflow:
      states: [OPEN]
`;

const domain: DomainDefinition = (() => {
  const configured = parseDomainConfiguration(YAML, 'clinic.yaml').domains.get('Clinic');
  if (configured === undefined) {
    throw new Error('Clinic domain not loaded');
  }
  return configured;
})();

const VALID = { specialist: 'Cardiology' };

function violations(
  values: Record<string, unknown> | undefined,
  options: { typeCode?: string; priority?: string; partial?: boolean } = {},
): FieldViolation[] {
  const typeCode = options.typeCode ?? 'VISIT';
  return validateCustomFields(domain, { ...options, typeCode, values });
}

function rules(found: FieldViolation[]): [string, string][] {
  return found.map((violation) => [violation.field, violation.rule]);
}

describe('validateCustomFields', () => {
  it('accepts a valid full set', () => {
    const values = {
      note: 'Dizzy since Monday',
      weight_kg: 72.5,
      specialist: 'Dermatology',
      symptoms: ['Fever', 'Rash'],
      preferred_date: '2024-02-29',
      is_urgent: false,
      fee: 49.99,
      patient_id: 'P-1',
    };
    expect(violations(values)).toEqual([]);
  });

  const cases: [string, Record<string, unknown>, [string, string][], string][] = [
    [
      'unknown field',
      { colour: 'red' },
      [['customFields.colour', 'unknown_field']],
      "unknown custom field 'colour'",
    ],
    [
      'text given a number',
      { note: 12 },
      [['customFields.note', 'type']],
      'note must be a string, got 12',
    ],
    [
      'number given a string',
      { weight_kg: '70' },
      [['customFields.weight_kg', 'type']],
      'must be a finite number, got "70"',
    ],
    [
      'number given NaN',
      { weight_kg: Number.NaN },
      [['customFields.weight_kg', 'type']],
      'must be a finite number',
    ],
    [
      'number below min',
      { weight_kg: 0.1 },
      [['customFields.weight_kg', 'min']],
      'weight_kg must be at least 0.5, got 0.1',
    ],
    [
      'number above max',
      { weight_kg: 301 },
      [['customFields.weight_kg', 'max']],
      'weight_kg must be at most 300, got 301',
    ],
    [
      'select given a number',
      { specialist: 3 },
      [['customFields.specialist', 'type']],
      'must be a string option',
    ],
    [
      'select option not listed',
      { specialist: 'Oncology' },
      [['customFields.specialist', 'option']],
      'specialist must be one of Cardiology, Dermatology, got "Oncology"',
    ],
    [
      'multi_select given a string',
      { symptoms: 'Fever' },
      [['customFields.symptoms', 'type']],
      'must be a list of string options',
    ],
    [
      'multi_select with unlisted option',
      { symptoms: ['Fever', 'Headache'] },
      [['customFields.symptoms', 'option']],
      'symptoms accepts only Fever, Cough, Rash, got ["Headache"]',
    ],
    [
      'multi_select with duplicate',
      { symptoms: ['Cough', 'Cough'] },
      [['customFields.symptoms', 'duplicate']],
      'lists ["Cough"] more than once',
    ],
    [
      'date in another format',
      { preferred_date: '29/02/2024' },
      [['customFields.preferred_date', 'type']],
      'must be a calendar date as YYYY-MM-DD',
    ],
    [
      'date not on the calendar',
      { preferred_date: '2023-02-29' },
      [['customFields.preferred_date', 'type']],
      'got "2023-02-29"',
    ],
    [
      'date with a time',
      { preferred_date: '2024-03-01T10:00:00Z' },
      [['customFields.preferred_date', 'type']],
      'YYYY-MM-DD',
    ],
    [
      'date given a number',
      { preferred_date: 20240301 },
      [['customFields.preferred_date', 'type']],
      'YYYY-MM-DD',
    ],
    [
      'boolean given a string',
      { is_urgent: 'true' },
      [['customFields.is_urgent', 'type']],
      'must be true or false, got "true"',
    ],
    [
      'currency given an object',
      { fee: { amount: 10, currency: 'EUR' } },
      [['customFields.fee', 'type']],
      'must be an amount as a number',
    ],
    [
      'currency negative',
      { fee: -5 },
      [['customFields.fee', 'min']],
      'fee must not be negative, got -5',
    ],
    [
      'currency with three decimals',
      { fee: 1.005 },
      [['customFields.fee', 'precision']],
      'at most 2 decimals, got 1.005',
    ],
    ['currency too large', { fee: 1e20 }, [['customFields.fee', 'max']], 'fee must be at most'],
  ];

  it.each(cases)('%s', (_name, values, expectedRules, messagePart) => {
    const found = violations({ ...VALID, ...values });
    expect(rules(found)).toEqual(expectedRules);
    expect(found[0].message).toContain(messagePart);
  });

  it('accepts currency edge values', () => {
    for (const fee of [0, 10, 0.1, 0.29, 1234.56]) {
      expect(violations({ ...VALID, fee })).toEqual([]);
    }
  });

  it('requires required fields', () => {
    const missing = [['customFields.specialist', 'required']];
    expect(rules(violations({}))).toEqual(missing);
    expect(rules(violations(undefined))).toEqual(missing);
    expect(rules(violations({ specialist: '  ' }))).toEqual(missing);
    expect(rules(violations({ specialist: null }))).toEqual(missing);
  });

  it('applies required_for_types', () => {
    expect(rules(violations(VALID, { typeCode: 'REFILL' }))).toEqual([
      ['customFields.medication', 'required'],
    ]);
    expect(violations({ ...VALID, medication: 'Aspirin' }, { typeCode: 'REFILL' })).toEqual([]);
    expect(violations(VALID, { typeCode: 'VISIT' })).toEqual([]);
  });

  it('applies required_for_priority', () => {
    expect(rules(violations(VALID, { priority: 'High' }))).toEqual([
      ['customFields.urgency_reason', 'required'],
    ]);
    expect(rules(violations(VALID, { priority: 'Critical' }))).toEqual([
      ['customFields.urgency_reason', 'required'],
    ]);
    expect(rules(violations(VALID, { priority: 'high' }))).toEqual([
      ['customFields.urgency_reason', 'required'],
    ]);
    expect(violations(VALID, { priority: 'Low' })).toEqual([]);
    expect(violations(VALID)).toEqual([]);
  });

  it('returns all violations at once', () => {
    const values = { colour: 'red', weight_kg: 999, fee: -1, symptoms: ['Nope'] };
    const found = violations(values, { typeCode: 'REFILL' });
    expect(rules(found)).toEqual([
      ['customFields.colour', 'unknown_field'],
      ['customFields.weight_kg', 'max'],
      ['customFields.specialist', 'required'],
      ['customFields.symptoms', 'option'],
      ['customFields.fee', 'min'],
      ['customFields.medication', 'required'],
    ]);
  });

  it('partial checks only given keys', () => {
    expect(violations({ note: 'updated' }, { partial: true })).toEqual([]);
    const partial = { partial: true };
    expect(rules(violations({ weight_kg: -1 }, partial))).toEqual([
      ['customFields.weight_kg', 'min'],
    ]);
    expect(rules(violations({ colour: 'red' }, partial))).toEqual([
      ['customFields.colour', 'unknown_field'],
    ]);
    expect(rules(violations({ specialist: null }, partial))).toEqual([
      ['customFields.specialist', 'required'],
    ]);
  });

  it('rejects values that are not an object', () => {
    const found = validateCustomFields(domain, {
      typeCode: 'VISIT',
      values: ['Cardiology'] as unknown as Record<string, unknown>,
    });
    expect(rules(found)).toEqual([['customFields', 'type']]);
  });

  it('hides values of sensitive fields', () => {
    const [violation] = violations({ ...VALID, patient_id: 123456789 });
    expect(violation.rule).toBe('type');
    expect(violation.message).toBe(
      'patient_id must be a string, got a number (hidden, sensitive field)',
    );
    expect(violation.message).not.toContain('123456789');
  });
});

describe('normalizeCustomFieldValues', () => {
  it('trims text and drops empty values', () => {
    const result = normalizeCustomFieldValues(domain, {
      typeCode: 'VISIT',
      values: { specialist: 'Cardiology', note: '  hello  ', is_urgent: true, symptoms: [] },
    });
    expect(result.violations).toEqual([]);
    expect(result.values).toEqual({ specialist: 'Cardiology', note: 'hello', is_urgent: true });
  });

  it('keeps cleared values as null in partial mode', () => {
    const result = normalizeCustomFieldValues(domain, {
      typeCode: 'VISIT',
      values: { note: '', fee: 12.5 },
      partial: true,
    });
    expect(result.violations).toEqual([]);
    expect(result.values).toEqual({ note: null, fee: 12.5 });
  });

  it('leaves out rejected values', () => {
    const result = normalizeCustomFieldValues(domain, {
      typeCode: 'VISIT',
      values: { specialist: 'Cardiology', weight_kg: 1000, preferred_date: '2024-12-31' },
    });
    expect(rules(result.violations)).toEqual([['customFields.weight_kg', 'max']]);
    expect(result.values).toEqual({ specialist: 'Cardiology', preferred_date: '2024-12-31' });
  });
});
