// Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary body.
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
  readonly retriable = false;
}

export function frame(schemaId: number, body: Buffer): Buffer {
  const framed = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  framed.writeUInt8(MAGIC_BYTE, 0);
  framed.writeInt32BE(schemaId, 1);
  body.copy(framed, HEADER_LENGTH);
  return framed;
}

export function schemaIdOf(bytes: Buffer): number {
  if (bytes.length < HEADER_LENGTH) throw new WireFormatError(`message of ${bytes.length} bytes is shorter than the 5-byte wire-format header`);
  const magic = bytes.readUInt8(0);
  if (magic !== MAGIC_BYTE) throw new WireFormatError(`unknown magic byte ${magic} (expected 0, the Confluent wire format)`);
  return bytes.readInt32BE(1);
}
