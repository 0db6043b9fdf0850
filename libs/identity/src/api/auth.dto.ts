import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH } from '../domain/password-policy.js';

const OTP_PATTERN = /^\d{6}$/;
const OTP_MESSAGE = 'must be the 6-digit code from the authenticator app';

export class LoginDto {
  @IsString() @MaxLength(254) email: string;
  @IsString() @MinLength(1) @MaxLength(MAX_PASSWORD_LENGTH) password: string;

  /** Current TOTP code, for accounts with two-factor sign-in. */
  @IsOptional() @IsString() @Matches(OTP_PATTERN, { message: `otp ${OTP_MESSAGE}` }) otp?: string;

  /** One of the recovery codes, in place of `otp`. */
  @IsOptional() @IsString() @MinLength(16) @MaxLength(64) recoveryCode?: string;
}

export class RefreshDto {
  @IsString() @MinLength(10) @MaxLength(200) refreshToken: string;
}

export class ChangePasswordDto {
  @IsString() @MinLength(1) @MaxLength(MAX_PASSWORD_LENGTH) currentPassword: string;
  @IsString() @MaxLength(MAX_PASSWORD_LENGTH * 4) newPassword: string;
}

export class PasswordResetRequestDto {
  @IsEmail() @MaxLength(254) email: string;
}

export class PasswordResetConfirmDto {
  @IsString() @MinLength(10) @MaxLength(200) token: string;
  @IsString() @MaxLength(MAX_PASSWORD_LENGTH * 4) newPassword: string;
}

export class AcceptInvitationDto {
  @IsString() @MinLength(10) @MaxLength(200) token: string;
  @IsString() @MaxLength(MAX_PASSWORD_LENGTH * 4) password: string;
}

export class TwoFactorCodeDto {
  /** A 6-digit TOTP code. Turning two-factor sign-in off also accepts a recovery code. */
  @IsString() @MinLength(6) @MaxLength(64) code: string;
}
