import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';

export class EraseSubjectDto {
  /**
   * Further values that identify the person in free text, such as a former name or a nickname.
   * They are erased only from records linked to the person. The erasure rejects values shorter
   * than 5 characters and single common words (see planIdentifiers), for HTTP and CLI alike.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(254, { each: true })
  identifiers?: string[];
}
