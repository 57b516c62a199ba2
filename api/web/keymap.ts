// The agent workstation's keyboard shortcuts. Banks keep their agents' muscle memory from the
// old system, so the keys are configuration (LEDGER_WEB_KEYMAP, a JSON file), not code; the
// defaults are the ones most of their agents know: F1 ready, F2 not ready, F5 answer, F8 hold,
// F9 transfer. A bad file stops the API at start with the field and the rule, never half-applied.
import { readFileSync } from 'node:fs';

export const keymapActions = ['ready', 'not-ready', 'answer', 'decline', 'hold', 'transfer', 'hangup', 'wrap-up', 'logout'] as const;
export type KeymapAction = (typeof keymapActions)[number];

export interface KeyBinding {
  /** A key as KeyboardEvent.key names it, optionally with modifiers: F1, Ctrl+F2, Alt+H. */
  readonly key: string;
  readonly action: KeymapAction;
  /** For not-ready: the reason code sent with BREAK (e.g. break, lunch, training). */
  readonly reasonCode?: string;
}

export interface Keymap {
  readonly bindings: readonly KeyBinding[];
}

export const defaultKeymap: Keymap = {
  bindings: [
    { key: 'F1', action: 'ready' },
    { key: 'F2', action: 'not-ready', reasonCode: 'break' },
    { key: 'F5', action: 'answer' },
    { key: 'F8', action: 'hold' },
    { key: 'F9', action: 'transfer' },
  ],
};

export class KeymapError extends Error {
  override readonly name = 'KeymapError';
  readonly field: string;
  readonly rule: string;

  constructor(field: string, rule: string, message: string) {
    super(`keymap ${field}: ${message} [${rule}]`);
    this.field = field;
    this.rule = rule;
  }
}

const keyPattern = /^(?:(?:Ctrl|Alt|Shift|Meta)\+)*(?:F(?:[1-9]|1[0-2])|[A-Za-z0-9]|Enter|Escape|Space)$/;
const reasonPattern = /^[A-Za-z0-9._-]{1,64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a keymap document; the error names the field (bindings.2.key) and the rule broken. */
export function parseKeymap(document: unknown): Keymap {
  if (!isRecord(document)) throw new KeymapError('(document)', 'type', 'must be an object');
  for (const name of Object.keys(document)) if (name !== 'bindings' && name !== '$comment') throw new KeymapError(name, 'additionalProperties', 'is not a field of a keymap');
  const bindings = document.bindings;
  if (!Array.isArray(bindings)) throw new KeymapError('bindings', 'type', 'must be an array');
  const seen = new Set<string>();
  return {
    bindings: bindings.map((binding: unknown, i): KeyBinding => {
      const at = `bindings.${i}`;
      if (!isRecord(binding)) throw new KeymapError(at, 'type', 'must be an object');
      for (const name of Object.keys(binding)) if (!['key', 'action', 'reasonCode'].includes(name)) throw new KeymapError(`${at}.${name}`, 'additionalProperties', 'is not a field of a binding');
      const { key, action, reasonCode } = binding;
      if (typeof key !== 'string' || !keyPattern.test(key)) throw new KeymapError(`${at}.key`, 'pattern', `must be a key like F1, Ctrl+F2 or Alt+H, got ${JSON.stringify(key)}`);
      if (seen.has(key)) throw new KeymapError(`${at}.key`, 'uniqueItems', `${key} is bound twice`);
      seen.add(key);
      if (typeof action !== 'string' || !(keymapActions as readonly string[]).includes(action)) throw new KeymapError(`${at}.action`, 'enum', `must be one of ${keymapActions.join(', ')}`);
      if (reasonCode !== undefined && (typeof reasonCode !== 'string' || !reasonPattern.test(reasonCode))) throw new KeymapError(`${at}.reasonCode`, 'pattern', `must match ${reasonPattern.source}`);
      if (action === 'not-ready' && reasonCode === undefined) throw new KeymapError(`${at}.reasonCode`, 'required', 'not-ready needs the reason code it sends');
      return { key, action: action as KeymapAction, ...(reasonCode !== undefined ? { reasonCode: reasonCode as string } : {}) };
    }),
  };
}

/** The keymap in force: the file named by LEDGER_WEB_KEYMAP, or the defaults. */
export function loadKeymap(file: string | undefined): Keymap {
  if (!file) return defaultKeymap;
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new KeymapError('(file)', 'json', `${file} cannot be read as JSON (${(error as Error).message})`);
  }
  return parseKeymap(document);
}
