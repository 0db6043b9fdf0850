import { DomainEvent } from '#kernel';

export class ApiKeyCreatedEvent extends DomainEvent {
  readonly action = 'api_key.created';
}

export class ApiKeyRevokedEvent extends DomainEvent {
  readonly action = 'api_key.revoked';
}
