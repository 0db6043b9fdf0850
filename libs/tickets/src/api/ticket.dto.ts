import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#kernel';
import { TICKET_PRIORITIES, type TicketPriority } from '../domain/ticket.entity.js';

export const MAX_TITLE_LENGTH = 500;
export const MAX_DESCRIPTION_LENGTH = 20_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTicketDto {
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(MAX_TITLE_LENGTH) title: string;
  @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description: string;
  @IsOptional() @IsString() @MaxLength(64) domainId?: string;
  @IsOptional() @IsString() @MaxLength(64) typeCode?: string;
  @IsOptional() @IsIn(TICKET_PRIORITIES) priority?: TicketPriority;
  @IsOptional() @IsObject() customFields?: Record<string, unknown>;
  @IsOptional() @IsUUID() assigneeId?: string;
}

export class TransitionTicketDto {
  @IsString() @MinLength(1) @MaxLength(64) to: string;
}

export class ListTicketsDto {
  @IsOptional() @IsString() @MaxLength(64) status?: string;
  @IsOptional() @IsString() @MaxLength(64) domainId?: string;
  @IsOptional() @IsString() @MaxLength(64) typeCode?: string;
  @IsOptional() @IsUUID() assigneeId?: string;
  @IsOptional() @IsUUID() requesterId?: string;
  @IsOptional() @IsString() @MaxLength(200) q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}
