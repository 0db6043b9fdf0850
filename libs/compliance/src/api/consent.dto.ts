import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#kernel';

export class RecordConsentDto {
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, {
    message: 'purpose must be a purpose code: lower-case letters, digits and "_"',
  })
  purpose: string;

  @IsBoolean({ message: 'granted must be true (consent given) or false (consent withdrawn)' })
  granted: boolean;

  @IsString()
  @Matches(/^[\x21-\x7e]{1,64}$/, { message: 'policyVersion must be 1 to 64 printable characters' })
  policyVersion: string;

  /** Another user of the tenant, for an officer recording a decision on their behalf. */
  @IsOptional() @IsUUID() subjectId?: string;
}

export class ListConsentsDto {
  @IsOptional() @IsUUID() subjectId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}
