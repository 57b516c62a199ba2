// Matches key presses to the workstation's keymap (served by the API from LEDGER_WEB_KEYMAP).
// Pure: the page passes the KeyboardEvent's fields in.
import type { KeyBinding } from '../common/api.ts';

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
  readonly metaKey: boolean;
}

/** The keymap's name of a press: modifiers in the order Ctrl, Alt, Shift, Meta, then the key (letters upper-cased, ' ' as Space). */
export function keyName(press: KeyPress): string {
  const key = press.key === ' ' ? 'Space' : press.key.length === 1 ? press.key.toUpperCase() : press.key;
  return [press.ctrlKey && 'Ctrl', press.altKey && 'Alt', press.shiftKey && 'Shift', press.metaKey && 'Meta', key].filter(Boolean).join('+');
}

function normalise(binding: string): string {
  const parts = binding.split('+');
  const key = parts.pop() ?? '';
  const has = (m: string) => parts.includes(m);
  return keyName({ key, ctrlKey: has('Ctrl'), altKey: has('Alt'), shiftKey: has('Shift'), metaKey: has('Meta') });
}

export function bindingFor(bindings: readonly KeyBinding[], press: KeyPress): KeyBinding | undefined {
  const name = keyName(press);
  return bindings.find((b) => normalise(b.key) === name);
}

/** "F1" for the action, for labels on the buttons (the first key bound to it). */
export function keyFor(bindings: readonly KeyBinding[], action: string): string | null {
  return bindings.find((b) => b.action === action)?.key ?? null;
}
