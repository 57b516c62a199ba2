// Per-data-subject keys for personal fields. A data key is 32 random bytes, stored only wrapped
// (AES-256-GCM) by the master key. Shredding a subject deletes its key: every personal field
// ever written under it, in any log segment or copy, becomes unreadable (crypto-shredding).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface DataKeyStore {
  /** The subject's key, created on first use. Refuses a shredded subject. */
  keyFor(subject: string): Promise<Buffer>;
  /** The subject's key if it exists and was not shredded. */
  existingKey(subject: string): Promise<Buffer | undefined>;
  /** Deletes the subject's key for good. */
  shred(subject: string): Promise<void>;
  /**
   * Optional: makes keyFor of these subjects answer from memory for a while (creating missing
   * keys in one round trip); bulk writers (importers) call it once per batch.
   */
  prefetch?(subjects: readonly string[]): Promise<void>;
}

export class ShreddedSubjectError extends Error {
  override readonly name = 'ShreddedSubjectError';
  readonly retriable = false;
}

/** The master key wraps and unwraps data keys; it comes from configuration (LEDGER_MASTER_KEY). */
export class MasterKey {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error(`LEDGER_MASTER_KEY: must be 32 bytes (base64), got ${key.length}`);
    this.key = key;
  }

  static fromBase64(value: string): MasterKey {
    return new MasterKey(Buffer.from(value, 'base64'));
  }

  wrap(dataKey: Buffer, subject: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(subject, 'utf8'));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  unwrap(wrapped: Buffer, subject: string): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(subject, 'utf8'));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }
}

/** Keys held in process memory: for tests and one-shot tools, never for production. */
export class InMemoryDataKeyStore implements DataKeyStore {
  private readonly keys = new Map<string, Buffer>();
  private readonly shredded = new Set<string>();

  async keyFor(subject: string): Promise<Buffer> {
    if (this.shredded.has(subject)) throw new ShreddedSubjectError(`data subject ${subject} was erased; no personal data may be written for it`);
    let key = this.keys.get(subject);
    if (!key) {
      key = randomBytes(32);
      this.keys.set(subject, key);
    }
    return key;
  }

  async existingKey(subject: string): Promise<Buffer | undefined> {
    return this.keys.get(subject);
  }

  async shred(subject: string): Promise<void> {
    this.keys.delete(subject);
    this.shredded.add(subject);
  }
}
