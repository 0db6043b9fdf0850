import { MasalaException, type FieldError } from '#kernel';

/**
 * The original platform's `seed_data.json`: people by role, work containers with their work
 * items, unassigned work items and knowledge base articles. Field names are as in that file.
 */
export interface SeedPerson {
  Email: string;
  UserName?: string;
  FirstName?: string;
  LastName?: string;
  /** Any further attributes (Phone, Code, Team, Level and so on), which the import leaves out. */
  extra: string[];
}

export interface SeedComment {
  Body: string;
  AuthorEmail?: string;
  CreatedDaysAgo?: number;
}

export interface SeedWorkItem {
  Description: string;
  Status?: string;
  Type?: string;
  CustomerEmail?: string;
  ResponsibleEmail?: string;
  CompletionTargetDays?: number;
  PriorityScore?: number;
  GerdaTags?: string;
  Comments: SeedComment[];
  extra: string[];
}

export interface SeedWorkContainer {
  Name: string;
  Description?: string;
  Status?: string;
  CustomerEmail?: string;
  ProjectManagerEmail?: string;
  CompletionTargetMonths?: number;
  WorkItems: SeedWorkItem[];
  extra: string[];
}

export interface SeedData {
  Admins: SeedPerson[];
  Employees: SeedPerson[];
  Customers: SeedPerson[];
  WorkContainers: SeedWorkContainer[];
  UnassignedWorkItems: SeedWorkItem[];
  /** Counted and reported, but not imported: the platform has no knowledge base yet. */
  knowledgeBaseArticles: number;
}

const PERSON_KEYS = ['Email', 'UserName', 'FirstName', 'LastName'];
const ITEM_KEYS = ['Description', 'Status', 'Type', 'CustomerEmail', 'ResponsibleEmail', 'CompletionTargetDays', 'PriorityScore', 'GerdaTags', 'Comments'];
const CONTAINER_KEYS = ['Name', 'Description', 'Status', 'CustomerEmail', 'ProjectManagerEmail', 'CompletionTargetMonths', 'WorkItems'];
const TOP_LEVEL_KEYS = ['Admins', 'Employees', 'Customers', 'WorkContainers', 'UnassignedWorkItems', 'KnowledgeBaseArticles'];

type Raw = Record<string, unknown>;

class SeedReader {
  readonly errors: FieldError[] = [];

  object(value: unknown, path: string): Raw | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Raw;
    this.errors.push({ field: path, rule: 'object', message: `${path} must be an object` });
    return undefined;
  }

  list(raw: Raw, key: string, path: string): unknown[] {
    const value = raw[key];
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    this.errors.push({ field: `${path}${key}`, rule: 'array', message: `${path}${key} must be a list` });
    return [];
  }

  text(raw: Raw, key: string, path: string, required = false): string | undefined {
    const value = raw[key];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (required) this.errors.push({ field: `${path}.${key}`, rule: 'required', message: `${path}.${key} is required` });
      return undefined;
    }
    if (typeof value === 'string') return value.trim();
    this.errors.push({ field: `${path}.${key}`, rule: 'string', message: `${path}.${key} must be a string` });
    return undefined;
  }

  number(raw: Raw, key: string, path: string): number | undefined {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    this.errors.push({ field: `${path}.${key}`, rule: 'number', message: `${path}.${key} must be a number of at least 0` });
    return undefined;
  }

  extra(raw: Raw, known: string[]): string[] {
    return Object.keys(raw).filter((key) => !known.includes(key));
  }
}

function readPerson(reader: SeedReader, value: unknown, path: string): SeedPerson | undefined {
  const raw = reader.object(value, path);
  if (!raw) return undefined;
  const email = reader.text(raw, 'Email', path, true);
  if (email === undefined) return undefined;
  return {
    Email: email,
    UserName: reader.text(raw, 'UserName', path),
    FirstName: reader.text(raw, 'FirstName', path),
    LastName: reader.text(raw, 'LastName', path),
    extra: reader.extra(raw, PERSON_KEYS),
  };
}

function readComment(reader: SeedReader, value: unknown, path: string): SeedComment | undefined {
  const raw = reader.object(value, path);
  if (!raw) return undefined;
  const body = reader.text(raw, 'Body', path, true);
  if (body === undefined) return undefined;
  return { Body: body, AuthorEmail: reader.text(raw, 'AuthorEmail', path), CreatedDaysAgo: reader.number(raw, 'CreatedDaysAgo', path) };
}

function readWorkItem(reader: SeedReader, value: unknown, path: string): SeedWorkItem | undefined {
  const raw = reader.object(value, path);
  if (!raw) return undefined;
  const description = reader.text(raw, 'Description', path, true);
  const comments = reader
    .list(raw, 'Comments', `${path}.`)
    .map((comment, index) => readComment(reader, comment, `${path}.Comments[${index}]`))
    .filter((comment): comment is SeedComment => comment !== undefined);
  if (description === undefined) return undefined;
  return {
    Description: description,
    Status: reader.text(raw, 'Status', path),
    Type: reader.text(raw, 'Type', path),
    CustomerEmail: reader.text(raw, 'CustomerEmail', path),
    ResponsibleEmail: reader.text(raw, 'ResponsibleEmail', path),
    CompletionTargetDays: reader.number(raw, 'CompletionTargetDays', path),
    PriorityScore: reader.number(raw, 'PriorityScore', path),
    GerdaTags: reader.text(raw, 'GerdaTags', path),
    Comments: comments,
    extra: reader.extra(raw, ITEM_KEYS),
  };
}

function readContainer(reader: SeedReader, value: unknown, path: string): SeedWorkContainer | undefined {
  const raw = reader.object(value, path);
  if (!raw) return undefined;
  const name = reader.text(raw, 'Name', path, true);
  const items = reader
    .list(raw, 'WorkItems', `${path}.`)
    .map((item, index) => readWorkItem(reader, item, `${path}.WorkItems[${index}]`))
    .filter((item): item is SeedWorkItem => item !== undefined);
  if (name === undefined) return undefined;
  return {
    Name: name,
    Description: reader.text(raw, 'Description', path),
    Status: reader.text(raw, 'Status', path),
    CustomerEmail: reader.text(raw, 'CustomerEmail', path),
    ProjectManagerEmail: reader.text(raw, 'ProjectManagerEmail', path),
    CompletionTargetMonths: reader.number(raw, 'CompletionTargetMonths', path),
    WorkItems: items,
    extra: reader.extra(raw, CONTAINER_KEYS),
  };
}

/**
 * Reads and checks a parsed `seed_data.json`. Throws one validation error listing every invalid
 * entry by its path (for example `Employees[2].Email`), so nothing is imported from a bad file.
 */
export function parseSeedData(value: unknown): SeedData {
  const reader = new SeedReader();
  const root = reader.object(value, 'file');
  if (!root) throw MasalaException.validation(reader.errors, 'The seed file is invalid');
  for (const key of reader.extra(root, TOP_LEVEL_KEYS)) {
    reader.errors.push({ field: key, rule: 'unknown_property', message: `${key} is not part of the seed_data.json format` });
  }
  const people = (key: string) =>
    reader
      .list(root, key, '')
      .map((person, index) => readPerson(reader, person, `${key}[${index}]`))
      .filter((person): person is SeedPerson => person !== undefined);
  const seed: SeedData = {
    Admins: people('Admins'),
    Employees: people('Employees'),
    Customers: people('Customers'),
    WorkContainers: reader
      .list(root, 'WorkContainers', '')
      .map((container, index) => readContainer(reader, container, `WorkContainers[${index}]`))
      .filter((container): container is SeedWorkContainer => container !== undefined),
    UnassignedWorkItems: reader
      .list(root, 'UnassignedWorkItems', '')
      .map((item, index) => readWorkItem(reader, item, `UnassignedWorkItems[${index}]`))
      .filter((item): item is SeedWorkItem => item !== undefined),
    knowledgeBaseArticles: reader.list(root, 'KnowledgeBaseArticles', '').length,
  };
  if (reader.errors.length > 0) throw MasalaException.validation(reader.errors, 'The seed file is invalid');
  return seed;
}
