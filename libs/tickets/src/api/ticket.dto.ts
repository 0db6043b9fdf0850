import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, WithinCustomFieldLimits } from '#kernel';
import { MAX_TAGS, MAX_TAG_LENGTH } from '../domain/tags.js';
import { TICKET_PRIORITIES, type TicketPriority } from '../domain/ticket.entity.js';

export const MAX_TITLE_LENGTH = 500;
export const MAX_DESCRIPTION_LENGTH = 20_000;
export const MAX_WATCHERS = 50;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTicketDto {
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(MAX_TITLE_LENGTH) title: string;
  @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description: string;
  @IsOptional() @IsString() @MaxLength(64) domainId?: string;
  @IsOptional() @IsString() @MaxLength(64) typeCode?: string;
  @IsOptional() @IsIn(TICKET_PRIORITIES) priority?: TicketPriority;
  @IsOptional() @IsObject() @WithinCustomFieldLimits() customFields?: Record<string, unknown>;
  @IsOptional() @IsUUID() assigneeId?: string;
  @IsOptional() @IsUUID() projectId?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(MAX_WATCHERS) @IsUUID('all', { each: true }) watcherIds?: string[];
  /** Overrides the due date from the type's SLA; agents only. */
  @IsOptional() @IsISO8601({ strict: true }) dueAt?: string;
}

/** Skips validation only when the property is absent, so an explicit null is rejected. */
const IsAbsentOr = () => ValidateIf((_body: object, value: unknown) => value !== undefined);

/** PATCH body: every field optional; null clears `assigneeId`, `projectId` and `dueAt` only. */
export class UpdateTicketDto {
  @IsAbsentOr() @Transform(trim) @IsString() @MinLength(1) @MaxLength(MAX_TITLE_LENGTH) title?: string;
  @IsAbsentOr() @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description?: string;
  @IsAbsentOr() @IsString() @MaxLength(64) typeCode?: string;
  @IsAbsentOr() @IsIn(TICKET_PRIORITIES) priority?: TicketPriority;
  @IsAbsentOr() @IsObject() @WithinCustomFieldLimits() customFields?: Record<string, unknown>;

  @IsAbsentOr()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @IsAbsentOr() @IsArray() @ArrayMaxSize(MAX_WATCHERS) @IsUUID('all', { each: true }) watcherIds?: string[];
  @IsOptional() @IsUUID() projectId?: string | null;
  @IsOptional() @IsISO8601({ strict: true }) dueAt?: string | null;
  @IsOptional() @IsUUID() assigneeId?: string | null;
}

export class TransitionTicketDto {
  @IsString() @MinLength(1) @MaxLength(64) to: string;
}

export class AssignTicketDto {
  /** The agent to assign, or null to unassign; the property itself is required. */
  @ValidateIf((body: AssignTicketDto) => body.assigneeId !== null) @IsUUID() assigneeId: string | null;
}

export const TICKET_SORT_FIELDS = ['created', 'updated', 'due', 'priority'] as const;
const SORT_VALUES = TICKET_SORT_FIELDS.flatMap((field) => [field, `-${field}`]);

/** Reads `true` and `false` from a query string; anything else stays as sent and fails IsBoolean. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** Which tickets to find and in what order; the query string of GET /tickets and a saved filter. */
export class TicketCriteriaDto {
  @IsOptional() @IsString() @MaxLength(64) status?: string;
  @IsOptional() @IsString() @MaxLength(64) domainId?: string;
  @IsOptional() @IsString() @MaxLength(64) typeCode?: string;
  @IsOptional() @IsUUID() assigneeId?: string;
  @IsOptional() @IsUUID() requesterId?: string;
  @IsOptional() @IsUUID() projectId?: string;
  @IsOptional() @IsString() @MaxLength(MAX_TAG_LENGTH) tag?: string;
  @IsOptional() @Transform(toBoolean) @IsBoolean() overdue?: boolean;
  @IsOptional() @Transform(toBoolean) @IsBoolean() unassigned?: boolean;
  @IsOptional() @IsISO8601({ strict: true }) dueBefore?: string;
  @IsOptional() @IsISO8601({ strict: true }) dueAfter?: string;
  @IsOptional() @IsString() @MaxLength(200) q?: string;

  /** `created`, `updated`, `due` or `priority`, ascending; a leading `-` sorts descending. */
  @IsOptional() @IsIn(SORT_VALUES) sort?: string;
  @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
}

export class ListTicketsDto extends TicketCriteriaDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}
