// Given/when/then specifications for deciders (Emmett's DeciderSpecification, adapted to
// deciders that take ordered input events): `given` feeds earlier inputs (their decisions are
// dropped), `when` feeds one more, `then` checks the decisions it caused, `thenRejects` that it
// was refused. Expected decisions are partial: only the fields written are compared, in order.
import { expect } from 'chai';

export interface SpecDecider<State, Input, Output> {
  initialState(): State;
  decide(input: Input, state: State): readonly Output[];
}

export interface Then<State, Output> {
  /** The decisions, in order; each expected entry compares only the fields it names. */
  then(expected: readonly DeepPartial<Output>[]): readonly Output[];
  /** Custom checks of the decisions and the state after them. */
  thenCheck(check: (outputs: readonly Output[], state: State) => void): void;
  /** The input is refused with an error whose message matches; the state is not changed by it. */
  thenRejects(message: RegExp, check?: (state: State) => void): void;
}

export type DeepPartial<T> = T extends readonly (infer U)[] ? readonly DeepPartial<U>[] : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/** The part of `actual` that `expected` talks about, so chai's deep equal shows a readable diff. */
export function project(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual)) return actual.map((item, index) => (index < expected.length ? project(item, expected[index]) : item));
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object' && !(expected instanceof RegExp)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) out[key] = project((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]);
    return out;
  }
  return actual;
}

export function deciderSpec<State, Input, Output>(decider: SpecDecider<State, Input, Output>) {
  return {
    given(inputs: readonly Input[]) {
      return {
        when(input: Input): Then<State, Output> {
          const state = decider.initialState();
          for (const earlier of inputs) decider.decide(earlier, state);
          return {
            then(expected) {
              const outputs = decider.decide(input, state);
              expect(project(outputs, expected)).to.deep.equal(expected);
              expect(outputs.length, 'number of decisions').to.equal(expected.length);
              return outputs;
            },
            thenCheck(check) {
              check(decider.decide(input, state), state);
            },
            thenRejects(message, check) {
              expect(() => decider.decide(input, state)).to.throw(message);
              check?.(state);
            },
          };
        },
      };
    },
  };
}
