import { Transform } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { WithinCustomFieldLimits } from '#kernel';
import { MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH } from './ticket.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class ExternalTicketDto {
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(MAX_TITLE_LENGTH) title: string;
  @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description: string;
  @Transform(trim) @IsString() @MinLength(3) @MaxLength(320) email: string;
  @IsOptional() @Transform(trim) @IsString() @MaxLength(200) name?: string;
  @IsOptional() @IsString() @MaxLength(64) domainId?: string;
  @IsOptional() @IsString() @MaxLength(64) typeCode?: string;
  @IsOptional() @IsObject() @WithinCustomFieldLimits() customFields?: Record<string, unknown>;
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) externalRef?: string;
}
