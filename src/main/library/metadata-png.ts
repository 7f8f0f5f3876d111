import { crc32 } from 'node:zlib';

const signatureLength = 8;

interface Chunk {
  type: string;
  start: number;
  dataStart: number;
  end: number;
}

function* chunks(bytes: Uint8Array): Generator<Chunk> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = signatureLength;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) throw new Error('truncated PNG chunk');
    yield { type, start: offset, dataStart: offset + 8, end };
    if (type === 'IEND') return;
    offset = end;
  }
}

function makeChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Reads a tEXt or uncompressed iTXt chunk with this keyword. */
export function readPngText(bytes: Uint8Array, keyword: string): string | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const chunk of chunks(bytes)) {
    if (chunk.type !== 'tEXt' && chunk.type !== 'iTXt') continue;
    const data = buf.subarray(chunk.dataStart, chunk.end - 4);
    const nul = data.indexOf(0);
    if (nul < 0 || data.toString('latin1', 0, nul) !== keyword) continue;
    if (chunk.type === 'tEXt') return data.toString('latin1', nul + 1);
    // iTXt: keyword\0 compressionFlag compressionMethod language\0 translatedKeyword\0 text
    if (data[nul + 1] !== 0) continue;
    const languageEnd = data.indexOf(0, nul + 3);
    const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
    if (translatedEnd < 0) continue;
    return data.toString('utf8', translatedEnd + 1);
  }
  return null;
}

/** Replaces any chunk with this keyword by one UTF-8 iTXt chunk placed before IEND. */
export function writePngText(bytes: Uint8Array, keyword: string, text: string): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Buffer[] = [buf.subarray(0, signatureLength)];
  const payload = Buffer.concat([
    Buffer.from(keyword, 'latin1'),
    Buffer.from([0, 0, 0, 0, 0]),
    Buffer.from(text, 'utf8'),
  ]);
  for (const chunk of chunks(bytes)) {
    if (chunk.type === 'tEXt' || chunk.type === 'iTXt') {
      const nul = buf.indexOf(0, chunk.dataStart);
      if (buf.toString('latin1', chunk.dataStart, nul) === keyword) continue;
    }
    if (chunk.type === 'IEND') kept.push(makeChunk('iTXt', payload));
    kept.push(buf.subarray(chunk.start, chunk.end));
  }
  return Buffer.concat(kept);
}
