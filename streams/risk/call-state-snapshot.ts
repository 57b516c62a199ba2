// Snapshot codec for the risk, QA and summary decider states (streams/runtime snapshots are
// JSON). The states hold Maps, Sets and compiled rule versions (term automata); a snapshot keeps
// the Maps and Sets tagged and replaces every rule version by a reference { policyId, version }
// that is resolved, on restore, against the versions read from the control topic. Pure: no I/O.
import type { PolicyVersion } from '../rules/rule-document.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPolicyVersion(value: object): value is PolicyVersion<unknown> {
  return 'policyId' in value && 'version' in value && 'effectiveFrom' in value && 'document' in value;
}

export function policyKey(policyId: string, version: number): string {
  return `${policyId}#${version}`;
}

/** A decider state as JSON: Map → {$map}, Set → {$set}, rule version → {$policy, version}, non-finite number → {$number}. */
export function encodeState(value: unknown): Json {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : { $number: String(value) };
    case 'object':
      break;
    default:
      throw new Error(`snapshot: cannot encode a ${typeof value}`);
  }
  if (Array.isArray(value)) return value.map(encodeState);
  if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [encodeState(k), encodeState(v)]) };
  if (value instanceof Set) return { $set: [...value].map(encodeState) };
  if (isPolicyVersion(value)) return { $policy: value.policyId, version: value.version };
  const out: { [key: string]: Json } = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) out[key] = encodeState(field);
  }
  return out;
}

/** The inverse of encodeState; rule versions are looked up by policyKey (an unknown one is an error). */
export function decodeState(json: unknown, policies: ReadonlyMap<string, PolicyVersion<unknown>>): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map((item) => decodeState(item, policies));
  const object = json as Record<string, unknown>;
  if ('$map' in object) return new Map((object.$map as [unknown, unknown][]).map(([k, v]) => [decodeState(k, policies), decodeState(v, policies)]));
  if ('$set' in object) return new Set((object.$set as unknown[]).map((v) => decodeState(v, policies)));
  if ('$number' in object) return Number(object.$number);
  if ('$policy' in object) {
    const key = policyKey(String(object.$policy), Number(object.version));
    const found = policies.get(key);
    if (!found) throw new Error(`snapshot: rule version ${key} is not among the versions read from the control topic`);
    return found;
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(object)) out[key] = decodeState(field, policies);
  return out;
}
