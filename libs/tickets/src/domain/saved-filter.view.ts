import type { SavedCriteria, SavedFilter } from './saved-filter.entity.js';

export interface SavedFilterView {
  id: string;
  name: string;
  criteria: SavedCriteria;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toSavedFilterView(filter: SavedFilter): SavedFilterView {
  return {
    id: filter.id,
    name: filter.name,
    criteria: filter.criteria,
    version: filter.version,
    createdAt: filter.createdAt.toISOString(),
    updatedAt: filter.updatedAt.toISOString(),
  };
}
