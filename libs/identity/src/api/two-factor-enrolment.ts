import { SetMetadata } from '@nestjs/common';

export const ENROLMENT_ROUTE_KEY = 'masala:two-factor-enrolment-route';

/**
 * Marks a route that an enrolment-only session may call (two-factor setup, `GET /me`, logout).
 * Every other route rejects such a session with 403.
 */
export const AllowDuringTwoFactorEnrolment = () => SetMetadata(ENROLMENT_ROUTE_KEY, true);
