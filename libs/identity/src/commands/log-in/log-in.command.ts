import { Command } from '@nestjs/cqrs';
import type { TokenPair } from '../../infrastructure/token-service.js';

export class LogInCommand extends Command<TokenPair> {
  constructor(
    readonly tenantId: string,
    readonly email: string,
    readonly password: string,
  ) {
    super();
  }
}
