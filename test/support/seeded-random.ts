// The project's one seeded PRNG lives with the traffic simulator; tests, fixtures and benchmarks use it from here.
export { seededRandom } from '../../producers/simulator/random.ts';
