// Applies a function to every value at a personal-field path such as data.callerNumber or
// data.ticketFields[].value, returning a copy (events are immutable).
export type FieldMapper = (value: string, path: string) => string | null;

function mapSegments(value: unknown, segments: readonly string[], path: string, mapper: FieldMapper): unknown {
  if (value === null || value === undefined) return value;
  if (segments.length === 0) return typeof value === 'string' ? mapper(value, path) : value;
  const [head, ...rest] = segments as [string, ...string[]];
  const isArray = head.endsWith('[]');
  const isMap = head.endsWith('{}');
  const name = isArray || isMap ? head.slice(0, -2) : head;
  const record = value as Record<string, unknown>;
  const child = record[name];
  let mapped: unknown;
  if (isArray && Array.isArray(child)) mapped = child.map((item) => mapSegments(item, rest, path, mapper));
  else if (isMap && child && typeof child === 'object') {
    mapped = Object.fromEntries(Object.entries(child).map(([k, v]) => [k, mapSegments(v, rest, path, mapper)]));
  } else if (!isArray && !isMap) mapped = mapSegments(child, rest, path, mapper);
  else mapped = child;
  return mapped === child ? record : { ...record, [name]: mapped };
}

export function mapPath<T>(value: T, path: string, mapper: FieldMapper): T {
  return mapSegments(value, path.replace(/\[\]/g, '[].').replace(/\{\}/g, '{}.').split('.').filter(Boolean), path, mapper) as T;
}

/** Every string value at the path (for checks such as "is personal data present?"). */
export function valuesAt(value: unknown, path: string): string[] {
  const found: string[] = [];
  mapPath(value, path, (v) => {
    found.push(v);
    return v;
  });
  return found;
}
