import type { EntityManager } from 'typeorm';
import { MasalaException } from '#kernel';
import { Project } from './project.entity.js';

/** Loads a project of the tenant; a project of another tenant is reported like a missing one. */
export async function findProjectOrFail(manager: EntityManager, tenantId: string, projectId: string): Promise<Project> {
  const project = await manager.findOne(Project, { where: { tenantId, id: projectId } });
  if (!project) {
    throw MasalaException.validation([
      { field: 'projectId', rule: 'project', message: 'projectId must name a project of this tenant' },
    ]);
  }
  return project;
}
