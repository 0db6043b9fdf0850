/** Normalised model of `masala_domains.yaml`, independent of the key spelling used in the file. */

export interface DomainConfiguration {
  /** SHA-256 hex digest of the raw file bytes. */
  version: string;
  sourcePath: string;
  global: GlobalSettings;
  /** Domains keyed by domain id (for example `IT`), in file order. */
  domains: ReadonlyMap<string, DomainDefinition>;
  /** JSON-serialisable copy of `global` and `domains`, for storage as a version row. */
  snapshot: unknown;
}

export interface GlobalSettings {
  defaultDomain: string;
  allowDomainSwitching: boolean;
  configReloadEnabled: boolean;
}

export interface DomainDefinition {
  id: string;
  displayName: string;
  description: string;
  ui: Record<string, unknown>;
  entityLabels: EntityLabels;
  workItemTypes: WorkItemType[];
  customFields: CustomFieldDefinition[];
  workflow: Workflow;
  roles: DomainRole[];
  /** Domain keys the engine does not interpret (AI strategies, prompts, integrations), verbatim. */
  extras: Record<string, unknown>;
}

export interface EntityLabels {
  workItem: string;
  workContainer: string;
  workHandler: string;
}

export interface WorkItemType {
  code: string;
  name: string;
  icon?: string;
  color?: string;
  /** Service level in days (fractions allowed) from creation to the due date. */
  defaultSlaDays?: number;
}

export const CUSTOM_FIELD_TYPES = [
  'text',
  'number',
  'select',
  'multi_select',
  'date',
  'boolean',
  'currency',
] as const;

export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface CustomFieldDefinition {
  name: string;
  label: string;
  type: CustomFieldType;
  /** Allowed values, present only for `select` and `multi_select`. */
  options?: string[];
  /** Inclusive lower bound, only for `number`. */
  min?: number;
  /** Inclusive upper bound, only for `number`. */
  max?: number;
  required: boolean;
  /** Work item type codes for which the field is required. */
  requiredForTypes: string[];
  /** Ticket priorities for which the field is required, compared ignoring case. */
  requiredForPriority: string[];
  sensitive: boolean;
}

export interface WorkflowState {
  code: string;
  name: string;
  color?: string;
}

export interface Workflow {
  states: WorkflowState[];
  /** State of a new work item: `initial_state` when given, otherwise the first state. */
  initialState: string;
  /** Target states per source state. Every state has an entry, empty for terminal states. */
  transitions: Readonly<Record<string, readonly string[]>>;
  transitionRules: TransitionRule[];
}

export const CONDITION_OPERATORS = [
  '==',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'is_empty',
  'is_not_empty',
] as const;

export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Fields computed from the ticket at evaluation time, in days (fractional). */
export const VIRTUAL_FIELDS = ['days_until_breach', 'age_days'] as const;

/** Ticket attributes that conditions can read besides custom fields. */
export const TICKET_FIELDS = ['type', 'priority'] as const;

export interface FieldCondition {
  kind: 'field';
  /** A custom field name, a virtual field or a ticket field (`type`, `priority`). */
  field: string;
  operator: ConditionOperator;
  /** Comparison operand, absent for `is_empty` and `is_not_empty`. */
  value?: unknown;
}

export interface RoleCondition {
  kind: 'role';
  /** The condition is met when the actor has at least one of these roles. */
  roles: string[];
}

export type TransitionCondition = FieldCondition | RoleCondition;

/** Extra conditions on one workflow transition. All conditions must be met. */
export interface TransitionRule {
  from: string;
  to: string;
  conditions: TransitionCondition[];
}

/** Roles that exist in every domain, whether or not the domain lists them. */
export const BUILT_IN_ROLES = ['Admin', 'Employee', 'Customer', 'ComplianceOfficer'] as const;

export interface DomainRole {
  code: string;
  displayName: string;
  /** Permission names such as `tickets.create` or `comments.internal`. */
  permissions: string[];
}

export interface ConfigurationProblem {
  file: string;
  /** 1-based line of the offending key, or of its closest ancestor present in the file. */
  line?: number;
  /** Key path as spelled in the file, for example `domains.IT.workflow.states[2].code`. */
  key: string;
  message: string;
}

export interface FieldViolation {
  /** Request path of the value, for example `customFields.urgency`. */
  field: string;
  /** Failed rule. validateCustomFields produces only FieldViolationRule values. */
  rule: string;
  message: string;
}

/** Rules reported by validateCustomFields. */
export type FieldViolationRule =
  | 'unknown_field'
  | 'type'
  | 'min'
  | 'max'
  | 'precision'
  | 'option'
  | 'duplicate'
  | 'required';

export interface CustomFieldInput {
  typeCode: string;
  priority?: string;
  values: Record<string, unknown> | undefined;
  /** Check only the keys present in `values`, as for a PATCH request. */
  partial?: boolean;
}

export interface TransitionRequest {
  from: string;
  to: string;
  /** Roles of the acting user. */
  roles: readonly string[];
  ticket: {
    typeCode: string;
    priority?: string;
    customFields: Record<string, unknown>;
    createdAt: Date;
    dueAt: Date | null;
  };
  now: Date;
}

export type TransitionDecision =
  | { allowed: true }
  | { allowed: false; reason: 'not_in_workflow'; allowedStates: string[] }
  | { allowed: false; reason: 'rule_failed'; failedConditions: string[]; allowedStates: string[] };
