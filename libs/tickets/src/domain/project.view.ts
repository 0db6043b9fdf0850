import type { Project } from './project.entity.js';

export interface ProjectTicketCounts {
  /** Tickets not in a done state. */
  open: number;
  /** Tickets in a done state of their domain's workflow (see doneStatesOf). */
  done: number;
  total: number;
}

export interface ProjectView {
  id: string;
  name: string;
  description: string;
  status: string;
  managerId: string | null;
  customerId: string | null;
  targetDate: string | null;
  version: number;
  ticketCounts: ProjectTicketCounts;
  createdAt: string;
  updatedAt: string;
}

export const NO_TICKETS: ProjectTicketCounts = { open: 0, done: 0, total: 0 };

export function toProjectView(project: Project, ticketCounts: ProjectTicketCounts): ProjectView {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    status: project.status,
    managerId: project.managerId,
    customerId: project.customerId,
    targetDate: project.targetDate?.toISOString() ?? null,
    version: project.version,
    ticketCounts,
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
  };
}
