import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class EraseSubjectDto {
  /** Further values that identify the person in free text, such as a former name. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(3, { each: true, message: 'each identifier must have at least 3 characters' })
  @MaxLength(254, { each: true })
  identifiers?: string[];
}
