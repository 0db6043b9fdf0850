import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { ConsentView } from '../../domain/consent.view.js';
import type { ConsentSource } from '../../domain/user-consent.entity.js';

export interface RecordConsentInput {
  subjectId: string;
  purpose: string;
  granted: boolean;
  policyVersion: string;
  source: ConsentSource;
  /** When the subject decided, for imports of earlier decisions; defaults to now. */
  decidedAt?: Date;
}

/** Appends one consent decision to the subject's history. */
export class RecordConsentCommand extends Command<ConsentView> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly input: RecordConsentInput,
  ) {
    super();
  }
}
