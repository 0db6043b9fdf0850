import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#kernel';
import { PROJECT_STATUSES, type ProjectStatus } from '../domain/project.entity.js';

export const MAX_PROJECT_NAME_LENGTH = 200;
export const MAX_PROJECT_DESCRIPTION_LENGTH = 20_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Skips validation only when the property is absent, so an explicit null is rejected. */
const IsAbsentOr = () => ValidateIf((_body: object, value: unknown) => value !== undefined);

export class CreateProjectDto {
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(MAX_PROJECT_NAME_LENGTH) name: string;
  @IsOptional() @IsString() @MaxLength(MAX_PROJECT_DESCRIPTION_LENGTH) description?: string;
  @IsOptional() @IsIn(PROJECT_STATUSES) status?: ProjectStatus;
  @IsOptional() @IsUUID() managerId?: string;
  @IsOptional() @IsUUID() customerId?: string;
  @IsOptional() @IsISO8601({ strict: true }) targetDate?: string;
}

/** Partial update; `status` moves the project between PLANNED, ACTIVE, ON_HOLD, COMPLETED and CANCELLED. */
export class UpdateProjectDto {
  @IsAbsentOr() @Transform(trim) @IsString() @MinLength(1) @MaxLength(MAX_PROJECT_NAME_LENGTH) name?: string;
  @IsAbsentOr() @IsString() @MaxLength(MAX_PROJECT_DESCRIPTION_LENGTH) description?: string;
  @IsAbsentOr() @IsIn(PROJECT_STATUSES) status?: ProjectStatus;
  @IsOptional() @IsUUID() managerId?: string | null;
  @IsOptional() @IsUUID() customerId?: string | null;
  @IsOptional() @IsISO8601({ strict: true }) targetDate?: string | null;
}

export class AddProjectTicketDto {
  @IsUUID() ticketId: string;
}

export class ListProjectsDto {
  @IsOptional() @IsIn(PROJECT_STATUSES) status?: ProjectStatus;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}
