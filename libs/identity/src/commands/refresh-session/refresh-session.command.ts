import { Command } from '@nestjs/cqrs';
import type { TokenPair } from '../../infrastructure/token-service.js';

export class RefreshSessionCommand extends Command<TokenPair> {
  constructor(
    readonly tenantId: string,
    readonly refreshToken: string,
  ) {
    super();
  }
}
