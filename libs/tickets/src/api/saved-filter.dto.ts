import { Transform, Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#kernel';
import { TicketCriteriaDto } from './ticket.dto.js';

export const MAX_SAVED_FILTER_NAME_LENGTH = 100;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateSavedFilterDto {
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(MAX_SAVED_FILTER_NAME_LENGTH) name: string;

  /** The query parameters of GET /tickets to save, without limit and cursor. */
  @IsObject() @ValidateNested() @Type(() => TicketCriteriaDto) criteria: TicketCriteriaDto;
}

export class UpdateSavedFilterDto {
  @ValidateIf((_body: object, value: unknown) => value !== undefined)
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SAVED_FILTER_NAME_LENGTH)
  name?: string;

  @ValidateIf((_body: object, value: unknown) => value !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => TicketCriteriaDto)
  criteria?: TicketCriteriaDto;
}

export class RunSavedFilterDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}
