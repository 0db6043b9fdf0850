import { Query } from '@nestjs/cqrs';

/**
 * Names of processing that a consent purpose can block. A tenant's purposes list, for each
 * purpose that requires consent, the processing it covers; tenants may name further processing.
 */
export const KNOWN_PROCESSING = [
  'notification_emails',
  'marketing_emails',
  'webhook_personal_data',
  'analytics',
] as const;

/**
 * Asks the compliance context whether `processing` may use the personal data of `subjectId`.
 * It returns false while a purpose that requires consent and blocks this processing has no
 * current grant from the subject (never given, or withdrawn), and true otherwise. Senders of
 * e-mail, webhooks with personal data and similar processing ask before each use.
 */
export class HasConsentQuery extends Query<boolean> {
  constructor(
    readonly tenantId: string,
    readonly subjectId: string,
    readonly processing: string,
  ) {
    super();
  }
}
