import { defineQaSummaryDegradation } from './qa-summary-degradation.features.ts';

defineQaSummaryDegradation('embedded');
