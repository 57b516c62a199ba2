import { defineAuditVerifySpecs } from './audit-verify.features.ts';

defineAuditVerifySpecs('embedded');
