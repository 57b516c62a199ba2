// UUID version 5 (RFC 9562: SHA-1 of namespace + name): the same name gives the same id on every
// run, so a decision replayed from the same input carries the same event id.
import { createHash } from 'node:crypto';

function bytesOf(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(bytesOf(namespace)).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The namespace of every decision id of the ledger's processors (a v5 id of the URL namespace). */
export const decisionNamespace = uuidV5('https://call-ledger/streams', '6ba7b811-9dad-11d1-80b4-00c04fd430c8');

/** The id of the n-th decision caused by an input event, in a processor. */
export function decisionId(component: string, inputEventId: string, index: number): string {
  return uuidV5(`${component}/${inputEventId}/${index}`, decisionNamespace);
}
