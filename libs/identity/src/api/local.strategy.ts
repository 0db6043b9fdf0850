import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { MasalaException, validateInput } from '#kernel';
import { LogInCommand, type LoginResult } from '../commands/log-in/log-in.command.js';
import { LoginDto } from './auth.dto.js';
import { requireRequestTenant } from './request-tenant.js';

/** Credentials login: validates the body like any DTO, then runs the login command. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly commands: CommandBus) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  async validate(request: Request): Promise<LoginResult> {
    const body = validateInput(LoginDto, request.body);
    const tenantId = requireRequestTenant();
    if (body.otp !== undefined && body.recoveryCode !== undefined) {
      throw MasalaException.validation([
        { field: 'recoveryCode', rule: 'exclusive', message: 'send either otp or recoveryCode, not both' },
      ]);
    }
    return this.commands.execute(
      new LogInCommand(tenantId, body.email, body.password, { otp: body.otp, recoveryCode: body.recoveryCode }),
    );
  }
}
