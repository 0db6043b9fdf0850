import { describe, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { ApiProperty, DECORATORS } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { describeDtoFromValidators } from './openapi-validators.js';

class CriteriaDto {
  @IsOptional() @IsString() @MaxLength(64) status?: string;
}

class SampleDto {
  @IsString() @MaxLength(20) name: string;
  @IsOptional() @IsIn(['low', 'high']) priority?: string;
  @IsOptional() @IsUUID('4', { each: true }) watcherIds?: string[];
  @IsOptional() @IsInt() @Min(1) @Max(100) limit: number = 25;
  @IsObject() @ValidateNested() @Type(() => CriteriaDto) criteria: CriteriaDto;
  @ApiProperty({ description: 'set by hand' }) @IsOptional() @IsString() note?: string;
}

const property = (target: object, name: string) =>
  Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, target, name) as Record<string, unknown>;

describe('describeDtoFromValidators', () => {
  describeDtoFromValidators(SampleDto);
  const prototype = SampleDto.prototype;

  it('states types, limits and required fields', () => {
    expect(property(prototype, 'name')).toMatchObject({ type: String, maxLength: 20, required: true });
    expect(property(prototype, 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, required: false, default: 25 });
  });

  it('types an enum by its values', () => {
    expect(property(prototype, 'priority')).toMatchObject({ type: String, enum: ['low', 'high'], required: false });
  });

  it('marks arrays validated per element', () => {
    expect(property(prototype, 'watcherIds')).toMatchObject({ type: String, format: 'uuid', isArray: true });
    expect(property(prototype, 'watcherIds').example).toEqual(['0b6e8f4e-5d2a-4c1b-9a3e-2f7d6c8b1a90']);
  });

  it('references a nested DTO and describes it too', () => {
    const criteria = property(prototype, 'criteria');
    expect(criteria.type).toBe(CriteriaDto);
    expect(criteria.additionalProperties).toBeUndefined();
    expect(property(CriteriaDto.prototype, 'status')).toMatchObject({ type: String, maxLength: 64 });
  });

  it('keeps an explicit @ApiProperty', () => {
    expect(property(prototype, 'note')).toMatchObject({ description: 'set by hand' });
    expect(property(prototype, 'note').maxLength).toBeUndefined();
  });
});
