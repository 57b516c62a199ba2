// Every read of customer data is itself an event: DataAccessed on ledger.audit, appended
// durably BEFORE the data is returned (if the audit cannot be written, the read fails: 503).
import type { DataAccessedData } from '../../schemas/generated/events.ts';
import type { Principal } from '../http/auth.ts';
import type { LedgerIo } from './ledger-io.ts';

export interface AccessRecord {
  readonly resource: string;
  readonly action: DataAccessedData['action'];
  readonly customerId: string | null;
  readonly interactionId: string | null;
  readonly purpose: string;
  readonly outcome: DataAccessedData['outcome'];
  readonly fieldsRevealed: readonly string[];
  readonly requestId: string | null;
}

export interface AuditTrail {
  record(principal: Principal, access: AccessRecord): Promise<void>;
}

const auditRole = { agent: 'AGENT', supervisor: 'SUPERVISOR', analyst: 'ANALYST', compliance: 'COMPLIANCE', ops: 'OPS', ingest: 'SYSTEM' } as const;

export function auditTrail(io: LedgerIo): AuditTrail {
  return {
    async record(principal, access) {
      await io.write([{
        type: 'DataAccessed',
        interactionId: access.interactionId,
        data: { actorId: principal.agentId ?? principal.subject, role: auditRole[principal.role], ...access, fieldsRevealed: [...access.fieldsRevealed] },
      }]);
    },
  };
}
