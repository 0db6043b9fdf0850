import type { UserConsent } from './user-consent.entity.js';

/** A consent record as the API and the export return it. */
export interface ConsentView {
  id: string;
  subjectId: string;
  revision: number;
  purpose: string;
  granted: boolean;
  policyVersion: string;
  source: string;
  recordedBy: string;
  recordedAt: string;
}

export function toConsentView(consent: UserConsent): ConsentView {
  return {
    id: consent.id,
    subjectId: consent.subjectId,
    revision: consent.revision,
    purpose: consent.purpose,
    granted: Boolean(consent.granted),
    policyVersion: consent.policyVersion,
    source: consent.source,
    recordedBy: consent.recordedBy,
    recordedAt: consent.recordedAt.toISOString(),
  };
}
