// Lines of a file, streamed (constant memory), with their 1-based number and the bytes read so far.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface FileLine {
  readonly lineNo: number;
  readonly text: string;
  readonly bytesRead: number;
}

export async function* readLines(path: string): AsyncGenerator<FileLine> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  stream.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const text of lines) {
    lineNo += 1;
    yield { lineNo, text, bytesRead };
  }
}
