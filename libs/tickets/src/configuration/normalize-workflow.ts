import { normalizeCondition, type RuleContext } from './normalize-conditions.js';
import {
  ConfigReader,
  describeYamlValue,
  duplicateMessage,
  isMapping,
  type Entry,
} from './reader.js';
import {
  BUILT_IN_ROLES,
  type CustomFieldDefinition,
  type DomainRole,
  type TransitionRule,
  type Workflow,
  type WorkflowState,
} from './types.js';

/** Builds the workflow of a domain. Cross-references are checked against its states. */
export function normalizeWorkflow(
  reader: ConfigReader,
  entry: Entry,
  fields: readonly CustomFieldDefinition[],
  roles: readonly DomainRole[],
): Workflow {
  const empty: Workflow = { states: [], initialState: '', transitions: {}, transitionRules: [] };
  if (!entry.present || entry.value === null) {
    reader.report(entry.path, 'missing workflow (a domain needs workflow.states)');
    return empty;
  }
  const raw = reader.mapping(entry);
  if (raw === undefined) {
    return empty;
  }
  reader.rejectUnknownKeys(raw, entry.path, [
    'states',
    'initial_state',
    'transitions',
    'transition_rules',
  ]);
  const get = (key: string): Entry => reader.entry(raw, entry.path, key);

  const states = normalizeStates(reader, get('states'));
  const codes = new Set(states.map((state) => state.code));
  const transitions = normalizeTransitions(reader, get('transitions'), states);

  let initialState = states[0]?.code ?? '';
  const initialEntry = get('initial_state');
  const initial = reader.string(initialEntry);
  if (initial !== undefined && codes.has(initial)) {
    initialState = initial;
  } else if (initial !== undefined) {
    reader.report(initialEntry.path, `unknown state '${initial}' ${definedStates(codes)}`);
  }

  const context: RuleContext = {
    reader,
    codes,
    transitions,
    fields: new Map(fields.map((field) => [field.name, field])),
    roles: new Set<string>([...BUILT_IN_ROLES, ...roles.map((role) => role.code)]),
  };
  const transitionRules = reader
    .list(get('transition_rules'))
    .map((item) => normalizeRule(context, item))
    .filter((rule): rule is TransitionRule => rule !== undefined);

  return { states, initialState, transitions, transitionRules };
}

function normalizeStates(reader: ConfigReader, entry: Entry): WorkflowState[] {
  if (!entry.present || entry.value === null) {
    reader.report(entry.path, 'missing workflow states (list at least one state)');
    return [];
  }
  if (Array.isArray(entry.value) && entry.value.length === 0) {
    reader.report(entry.path, 'empty workflow states (list at least one state)');
  }
  const states: WorkflowState[] = [];
  const firstLines = new Map<string, number | undefined>();
  for (const item of reader.list(entry)) {
    let state: WorkflowState | undefined;
    let codePath = item.path;
    if (typeof item.value === 'string' && item.value.trim() !== '') {
      state = { code: item.value, name: item.value };
    } else if (isMapping(item.value)) {
      const raw = item.value;
      reader.rejectUnknownKeys(raw, item.path, ['code', 'name', 'color']);
      const codeEntry = reader.entry(raw, item.path, 'code');
      const code = reader.requiredString(codeEntry);
      codePath = codeEntry.path;
      if (code !== undefined) {
        state = { code, name: reader.string(reader.entry(raw, item.path, 'name'), code) ?? code };
        const color = reader.string(reader.entry(raw, item.path, 'color'));
        if (color !== undefined) state.color = color;
      }
    } else {
      const found = describeYamlValue(item.value);
      reader.report(item.path, `state must be a mapping with code and name, got ${found}`);
    }
    if (state === undefined) {
      continue;
    }
    if (firstLines.has(state.code)) {
      const message = duplicateMessage('state code', state.code, firstLines.get(state.code));
      reader.report(codePath, message);
      continue;
    }
    firstLines.set(state.code, reader.line(codePath));
    states.push(state);
  }
  return states;
}

function normalizeTransitions(
  reader: ConfigReader,
  entry: Entry,
  states: readonly WorkflowState[],
): Record<string, string[]> {
  const codes = new Set(states.map((state) => state.code));
  // A Map keeps state codes such as `constructor` from colliding with Object.prototype.
  const transitions = new Map<string, string[]>(states.map((state) => [state.code, []]));
  const raw = reader.mapping(entry);
  if (raw === undefined) {
    return Object.fromEntries(transitions);
  }
  for (const [from, targets] of Object.entries(raw)) {
    const fromEntry: Entry = { value: targets, path: [...entry.path, from], present: true };
    if (!codes.has(from)) {
      const message = `transition from unknown state '${from}' ${definedStates(codes)}`;
      reader.report(fromEntry.path, message);
      continue;
    }
    const targetsFrom = transitions.get(from) ?? [];
    for (const target of reader.list(fromEntry)) {
      const to = typeof target.value === 'string' ? target.value : undefined;
      if (to === undefined || !codes.has(to)) {
        const state = JSON.stringify(target.value);
        reader.report(target.path, `transition to unknown state ${state} ${definedStates(codes)}`);
      } else if (targetsFrom.includes(to)) {
        reader.report(target.path, `duplicate transition from '${from}' to '${to}'`);
      } else {
        targetsFrom.push(to);
      }
    }
  }
  return Object.fromEntries(transitions);
}

function normalizeRule(context: RuleContext, item: Entry): TransitionRule | undefined {
  const { reader } = context;
  const raw = reader.mapping(item);
  if (raw === undefined) {
    return undefined;
  }
  reader.rejectUnknownKeys(raw, item.path, ['from', 'to', 'conditions']);
  const fromEntry = reader.entry(raw, item.path, 'from');
  const toEntry = reader.entry(raw, item.path, 'to');
  const from = reader.requiredString(fromEntry);
  const to = reader.requiredString(toEntry);
  let valid = from !== undefined && to !== undefined;
  for (const [state, stateEntry] of [
    [from, fromEntry],
    [to, toEntry],
  ] as const) {
    if (state !== undefined && !context.codes.has(state)) {
      const message = `transition rule references unknown state '${state}'`;
      reader.report(stateEntry.path, `${message} ${definedStates(context.codes)}`);
      valid = false;
    }
  }
  const { transitions } = context;
  const targets = from !== undefined && Object.hasOwn(transitions, from) ? transitions[from] : [];
  if (valid && from !== undefined && to !== undefined && !targets.includes(to)) {
    reader.report(item.path, `rule for ${from} -> ${to} has no matching entry in transitions`);
    valid = false;
  }

  const conditionsEntry = reader.entry(raw, item.path, 'conditions');
  const items = reader.list(conditionsEntry);
  if (items.length === 0 && (!conditionsEntry.present || Array.isArray(conditionsEntry.value))) {
    reader.report(conditionsEntry.path, 'missing conditions (list at least one condition)');
  }
  const conditions = items.map((condition) => normalizeCondition(context, condition));
  if (!valid || from === undefined || to === undefined || conditions.includes(undefined)) {
    return undefined;
  }
  return { from, to, conditions: conditions.filter((condition) => condition !== undefined) };
}

function definedStates(codes: ReadonlySet<string>): string {
  return `(defined states: ${[...codes].join(', ')})`;
}
