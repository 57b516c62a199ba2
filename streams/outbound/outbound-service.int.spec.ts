// The outbound pipeline on the embedded log (outbound-service.features.ts).
import { defineOutboundPipelineSpecs } from './outbound-service.features.ts';

defineOutboundPipelineSpecs('embedded');
