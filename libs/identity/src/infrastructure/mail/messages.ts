import type { User } from '../../domain/user.entity.js';
import type { IssuedToken } from '../one-time-tokens.js';
import type { MailMessage } from './mail.port.js';

// NOTE: the messages name the API route and token because no web front end exists yet; a
// tenant-configurable link belongs here once one does.

export function invitationMessage(user: User, issued: IssuedToken, tenantName: string): MailMessage {
  return {
    template: 'invitation',
    tenantId: user.tenantId,
    userId: user.id,
    to: user.email,
    subject: `You are invited to ${tenantName} on Ticket Masala`,
    text: [
      `You have been invited to ${tenantName} on Ticket Masala.`,
      '',
      'Choose a password (at least 12 characters) to activate your account with',
      'POST /api/v1/auth/accept-invitation {"token": "<token>", "password": "<password>"}',
      `and this token: ${issued.token}`,
      '',
      `The token works once and expires at ${issued.expiresAt.toISOString()}.`,
    ].join('\n'),
    secret: issued.token,
  };
}

export function passwordResetMessage(user: User, issued: IssuedToken): MailMessage {
  return {
    template: 'password_reset',
    tenantId: user.tenantId,
    userId: user.id,
    to: user.email,
    subject: 'Reset your Ticket Masala password',
    text: [
      'Someone asked to reset the password of your Ticket Masala account.',
      'If it was not you, ignore this message: your password stays as it is.',
      '',
      'To choose a new password, call',
      'POST /api/v1/auth/password-reset/confirm {"token": "<token>", "newPassword": "<password>"}',
      `with this token: ${issued.token}`,
      '',
      `The token works once and expires at ${issued.expiresAt.toISOString()}.`,
    ].join('\n'),
    secret: issued.token,
  };
}
