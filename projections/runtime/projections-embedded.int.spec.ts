import { defineProjectionFeatures } from '../testing/projection-features.ts';

defineProjectionFeatures('embedded');
