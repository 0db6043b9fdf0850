import { Type } from 'class-transformer';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#kernel';
import { MAX_WEBHOOK_URL_LENGTH } from '../domain/webhook-url.js';
import { WEBHOOK_EVENTS, type WebhookEventType } from '../domain/webhook.entity.js';

export class CreateWebhookDto {
  @IsString() @MaxLength(MAX_WEBHOOK_URL_LENGTH) url: string;

  /** Any of ticket.created, ticket.transitioned, ticket.assigned and ticket.commented. */
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(WEBHOOK_EVENTS, { each: true }) events: WebhookEventType[];
}

export class ListDeliveriesDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}
