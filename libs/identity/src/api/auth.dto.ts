import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @IsString() @MaxLength(254) email: string;
  @IsString() @MinLength(1) @MaxLength(256) password: string;
}

export class RefreshDto {
  @IsString() @MinLength(10) @MaxLength(200) refreshToken: string;
}

export class CreateUserDto {
  @IsEmail() @MaxLength(254) email: string;
}
