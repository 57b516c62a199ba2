import { defineDegradationFeatures } from '../testing/degradation-features.ts';

defineDegradationFeatures('embedded');
