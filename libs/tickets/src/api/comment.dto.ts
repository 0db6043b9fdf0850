import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#kernel';

export const MAX_COMMENT_LENGTH = 20_000;

export class AddCommentDto {
  @IsString() @MinLength(1) @MaxLength(MAX_COMMENT_LENGTH) body: string;
  /** An internal note, visible only to agents; needs `comments.internal`. */
  @IsOptional() @IsBoolean() internal?: boolean;
}

export class EditCommentDto {
  @IsString() @MinLength(1) @MaxLength(MAX_COMMENT_LENGTH) body: string;
}

export class ListCommentsDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}
