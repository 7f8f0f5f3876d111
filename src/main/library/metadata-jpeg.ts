const xmpHeader = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const APP0 = 0xe0;
const APP1 = 0xe1;
const SOS = 0xda;
/** A segment's length field counts itself (2 bytes) and is 16 bits. */
const maxXmpLength = 0xffff - 2 - xmpHeader.length;

interface Segment {
  marker: number;
  start: number;
  dataStart: number;
  end: number;
}

/** The header segments up to the start of scan; the entropy-coded data after it is left alone. */
function headerSegments(buf: Buffer): Segment[] {
  const segments: Segment[] = [];
  let offset = 2;
  while (offset + 4 <= buf.length) {
    if (buf[offset] !== 0xff) throw new Error('malformed JPEG segment');
    const marker = buf[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const length = buf.readUInt16BE(offset + 2);
    const end = offset + 2 + length;
    if (end > buf.length) throw new Error('truncated JPEG segment');
    segments.push({ marker, start: offset, dataStart: offset + 4, end });
    if (marker === SOS) break;
    offset = end;
  }
  return segments;
}

function isXmp(buf: Buffer, s: Segment): boolean {
  return s.marker === APP1 && buf.subarray(s.dataStart, s.dataStart + xmpHeader.length).equals(xmpHeader);
}

export function readJpegXmp(bytes: Uint8Array): string | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const segment = headerSegments(buf).find((s) => isXmp(buf, s));
  return segment ? buf.toString('utf8', segment.dataStart + xmpHeader.length, segment.end) : null;
}

/** Puts the packet in an APP1 segment after any JFIF header, replacing an older XMP segment; null if too big. */
export function writeJpegXmp(bytes: Uint8Array, xmp: string): Buffer | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packet = Buffer.from(xmp, 'utf8');
  if (packet.length > maxXmpLength) return null;
  const segment = Buffer.alloc(4 + xmpHeader.length + packet.length);
  segment.writeUInt16BE(0xff00 | APP1, 0);
  segment.writeUInt16BE(2 + xmpHeader.length + packet.length, 2);
  xmpHeader.copy(segment, 4);
  packet.copy(segment, 4 + xmpHeader.length);

  const segments = headerSegments(buf);
  const parts: Buffer[] = [buf.subarray(0, 2)];
  let inserted = false;
  for (const s of segments) {
    if (!inserted && s.marker !== APP0) {
      parts.push(segment);
      inserted = true;
    }
    if (isXmp(buf, s)) continue;
    if (s.marker === SOS) {
      parts.push(buf.subarray(s.start));
      return Buffer.concat(parts);
    }
    parts.push(buf.subarray(s.start, s.end));
  }
  throw new Error('JPEG without image data');
}
