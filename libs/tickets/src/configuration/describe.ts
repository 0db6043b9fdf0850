import { describeCondition } from './transitions.js';
import type { DomainDefinition } from './types.js';
import { MILLISECONDS_PER_DAY } from './values.js';

/**
 * Computes the due date of a new work item: `createdAt` plus the type's `default_sla_days`
 * as 24-hour days, ignoring time zones and business hours. Returns null when the type is
 * unknown or has no SLA.
 */
export function dueDateFor(
  domain: DomainDefinition,
  typeCode: string,
  createdAt: Date,
): Date | null {
  const type = domain.workItemTypes.find((candidate) => candidate.code === typeCode);
  if (type?.defaultSlaDays === undefined) {
    return null;
  }
  return new Date(createdAt.getTime() + type.defaultSlaDays * MILLISECONDS_PER_DAY);
}

/**
 * Builds the JSON body for `GET /domains/:id`. Each state lists the transitions allowed
 * from it, with the conditions of any rules on that transition.
 */
export function describeDomain(domain: DomainDefinition): unknown {
  const { workflow } = domain;
  const states = workflow.states.map((state) => {
    const targets = workflow.transitions[state.code];
    return {
      ...state,
      initial: state.code === workflow.initialState,
      terminal: targets.length === 0,
      transitions: targets.map((to) => {
        const rules = workflow.transitionRules.filter(
          (rule) => rule.from === state.code && rule.to === to,
        );
        const conditions = rules.flatMap((rule) => rule.conditions);
        return {
          to,
          conditions: conditions.map((condition) => ({
            ...condition,
            description: describeCondition(condition),
          })),
        };
      }),
    };
  });

  return JSON.parse(
    JSON.stringify({
      id: domain.id,
      displayName: domain.displayName,
      description: domain.description,
      ui: domain.ui,
      entityLabels: domain.entityLabels,
      workItemTypes: domain.workItemTypes,
      customFields: domain.customFields,
      workflow: { initialState: workflow.initialState, states },
      roles: domain.roles,
      extras: domain.extras,
    }),
  ) as unknown;
}
