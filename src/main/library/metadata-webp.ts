/** WebP is a RIFF file of chunks; metadata needs the extended (VP8X) layout with its XMP flag set. */
const XMP_FLAG = 0x04;
const ALPHA_FLAG = 0x10;

interface Chunk {
  fourcc: string;
  start: number;
  dataStart: number;
  size: number;
  end: number;
}

function chunks(buf: Buffer): Chunk[] {
  const out: Chunk[] = [];
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const fourcc = buf.toString('latin1', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const end = offset + 8 + size + (size % 2);
    if (offset + 8 + size > buf.length) throw new Error('truncated WebP chunk');
    out.push({ fourcc, start: offset, dataStart: offset + 8, size, end: Math.min(end, buf.length) });
    offset = end;
  }
  return out;
}

function makeChunk(fourcc: string, data: Buffer): Buffer {
  const padded = Buffer.alloc(8 + data.length + (data.length % 2));
  padded.write(fourcc, 0, 'latin1');
  padded.writeUInt32LE(data.length, 4);
  data.copy(padded, 8);
  return padded;
}

/** Canvas size and alpha of a simple (VP8 / VP8L) file, which a VP8X header must state. */
function simpleCanvas(buf: Buffer, chunk: Chunk): { width: number; height: number; alpha: boolean } {
  const d = chunk.dataStart;
  if (chunk.fourcc === 'VP8 ') {
    return {
      width: buf.readUInt16LE(d + 6) & 0x3fff,
      height: buf.readUInt16LE(d + 8) & 0x3fff,
      alpha: false,
    };
  }
  const bits = buf.readUInt32LE(d + 1);
  return {
    width: (bits & 0x3fff) + 1,
    height: ((bits >>> 14) & 0x3fff) + 1,
    alpha: ((bits >>> 28) & 1) === 1,
  };
}

function vp8x(width: number, height: number, flags: number): Buffer {
  const data = Buffer.alloc(10);
  data[0] = flags;
  data.writeUIntLE(width - 1, 4, 3);
  data.writeUIntLE(height - 1, 7, 3);
  return makeChunk('VP8X', data);
}

export function readWebpXmp(bytes: Uint8Array): string | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunk = chunks(buf).find((c) => c.fourcc === 'XMP ');
  return chunk ? buf.toString('utf8', chunk.dataStart, chunk.dataStart + chunk.size) : null;
}

/** Adds (or replaces) the XMP chunk, converting a simple file to the extended layout if needed. */
export function writeWebpXmp(bytes: Uint8Array, xmp: string): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const all = chunks(buf).filter((c) => c.fourcc !== 'XMP ');
  const first = all[0];
  if (!first) throw new Error('WebP without image data');
  const parts: Buffer[] = [];
  if (first.fourcc === 'VP8X') {
    const header = Buffer.from(buf.subarray(first.start, first.end));
    header[8] = header[8]! | XMP_FLAG;
    parts.push(header);
  } else {
    const canvas = simpleCanvas(buf, first);
    parts.push(vp8x(canvas.width, canvas.height, XMP_FLAG | (canvas.alpha ? ALPHA_FLAG : 0)));
    parts.push(buf.subarray(first.start, first.end));
  }
  for (const c of all.slice(1)) parts.push(buf.subarray(c.start, c.end));
  parts.push(makeChunk('XMP ', Buffer.from(xmp, 'utf8')));
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
