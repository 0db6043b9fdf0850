import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#kernel';
import { MAX_PASSWORD_LENGTH } from '../domain/password-policy.js';

export class CreateUserDto {
  @IsEmail() @MaxLength(254) email: string;
  @IsOptional() @IsString() @MaxLength(200) displayName?: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(64, { each: true })
  roles: string[];

  /** Initial password. Without it the user is invited by e-mail and chooses one. */
  @IsOptional() @IsString() @MaxLength(MAX_PASSWORD_LENGTH * 4) password?: string;
}

export class UpdateUserDto {
  @IsOptional() @IsString() @MaxLength(200) displayName?: string;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(64, { each: true })
  roles?: string[];

  @IsOptional() @IsIn(['active', 'disabled']) status?: 'active' | 'disabled';

  @IsOptional() @Equals(false, { message: 'locked can only be set to false, which lifts a lockout' }) locked?: false;
}

export class ListUsersDto {
  @IsOptional() @IsIn(['active', 'invited', 'disabled', 'erased']) status?: 'active' | 'invited' | 'disabled' | 'erased';
  @IsOptional() @IsString() @MaxLength(254) email?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}
