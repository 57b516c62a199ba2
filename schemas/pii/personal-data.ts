// Field-level encryption of personal fields with the data subject's key (AES-256-GCM). An
// encrypted field is the string `pii:v1:<base64(iv | tag | ciphertext)>`; its AAD binds it to the
// data subject and the field path, so a ciphertext cannot be moved to another field or person.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { EventTypeDefinition } from '../catalogue.ts';
import type { DataKeyStore } from './data-key-store.ts';
import { mapPath, valuesAt } from './field-paths.ts';

export const ENCRYPTED_PREFIX = 'pii:v1:';
/** What an authorised reader sees once the subject's key has been shredded. */
export const ERASED = '[erased]';
/** What a reader without the right to personal data sees. */
export const REDACTED = '[redacted]';

export class PersonalDataError extends Error {
  override readonly name = 'PersonalDataError';
  readonly retriable = false;
}

interface EventLike {
  readonly metadata: { readonly dataSubject: string | null; readonly eventType: string };
  readonly data: unknown;
}

export function isEncrypted(value: string): boolean {
  return value.startsWith(ENCRYPTED_PREFIX);
}

function aad(subject: string, path: string): Buffer {
  return Buffer.from(`${subject}|${path}`, 'utf8');
}

// Turning raw key bytes into a KeyObject dominates the cost of a small encryption: do it once per key.
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObject(key: Buffer): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    object = createSecretKey(key);
    keyObjects.set(key, object);
  }
  return object;
}

// Random 96-bit IVs drawn from a pooled buffer: one system call per 1,024 encryptions.
const IV_LENGTH = 12;
let ivPool = randomBytes(0);
let ivOffset = 0;
function nextIv(): Buffer {
  if (ivOffset + IV_LENGTH > ivPool.length) {
    ivPool = randomBytes(IV_LENGTH * 1024);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_LENGTH);
  ivOffset += IV_LENGTH;
  return iv;
}

export function encryptField(key: Buffer, subject: string, path: string, plaintext: string): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', keyObject(key), iv);
  cipher.setAAD(aad(subject, path));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ENCRYPTED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function decryptField(key: Buffer, subject: string, path: string, value: string): string {
  const raw = Buffer.from(value.slice(ENCRYPTED_PREFIX.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keyObject(key), raw.subarray(0, 12));
  decipher.setAAD(aad(subject, path));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export class PersonalDataProtector {
  private readonly keys: DataKeyStore;

  constructor(keys: DataKeyStore) {
    this.keys = keys;
  }

  /** Warms the key store for a batch of data subjects (one round trip instead of one per subject). */
  async prefetch(subjects: readonly string[]): Promise<void> {
    if (subjects.length > 0) await this.keys.prefetch?.(subjects);
  }

  /** Encrypts every personal field; refuses personal data without a data subject. */
  async protect<E extends EventLike>(definition: EventTypeDefinition, event: E): Promise<E> {
    const paths = definition.piiPaths.filter((path) => valuesAt(event, path).some((v) => !isEncrypted(v)));
    if (paths.length === 0) return event;
    const subject = event.metadata.dataSubject;
    if (!subject) throw new PersonalDataError(`metadata.dataSubject: required when personal fields are present (${paths.join(', ')})`);
    const key = await this.keys.keyFor(subject);
    let protectedEvent = event;
    for (const path of paths) {
      protectedEvent = mapPath(protectedEvent, path, (value) => (isEncrypted(value) ? value : encryptField(key, subject, path, value)));
    }
    return protectedEvent;
  }

  /** Decrypts personal fields for a reader allowed to see them; erased subjects read as "[erased]". */
  async reveal<E extends EventLike>(definition: EventTypeDefinition, event: E): Promise<E> {
    const subject = event.metadata.dataSubject;
    if (!subject || definition.piiPaths.length === 0) return event;
    const key = await this.keys.existingKey(subject);
    let revealed = event;
    for (const path of definition.piiPaths) {
      revealed = mapPath(revealed, path, (value) => {
        if (!isEncrypted(value)) return value;
        return key ? decryptField(key, subject, path, value) : ERASED;
      });
    }
    return revealed;
  }

  /** Hides personal fields from a reader not allowed to see them. */
  redact<E extends EventLike>(definition: EventTypeDefinition, event: E): E {
    let redacted = event;
    for (const path of definition.piiPaths) redacted = mapPath(redacted, path, () => REDACTED);
    return redacted;
  }
}
