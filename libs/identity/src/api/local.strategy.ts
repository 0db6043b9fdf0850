import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { MasalaException, RequestContext, validateInput } from '#kernel';
import { LogInCommand } from '../commands/log-in/log-in.command.js';
import type { TokenPair } from '../infrastructure/token-service.js';
import { LoginDto } from './auth.dto.js';

/** Credentials login: validates the body like any DTO, then runs the login command. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly commands: CommandBus) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  async validate(request: Request): Promise<TokenPair> {
    const body = validateInput(LoginDto, request.body);
    const tenantId = RequestContext.current().tenantId;
    if (!tenantId) {
      throw MasalaException.validation(
        [{ field: 'X-Tenant-ID', rule: 'required', message: 'the X-Tenant-ID header (tenant slug) is required' }],
        'No tenant was named',
      );
    }
    return this.commands.execute(new LogInCommand(tenantId, body.email, body.password));
  }
}
