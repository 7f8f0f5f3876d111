import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../../shared/rpc.ts';

/**
 * A zip opened for reading entries one at a time (yauzl: random access through the central
 * directory, sizes checked against what the entries really inflate to, so a zip bomb stops at the
 * declared size). From a file it reads only what is asked for; an upload arrives as a buffer.
 */
export interface ZipArchive {
  /** File entries, in the order the zip lists them. */
  names: string[];
  size(name: string): number;
  read(name: string): Promise<Buffer>;
  close(): void;
}

export const maxZipEntries = 100_000;

export async function openZip(source: string | Buffer, maxEntryBytes: number): Promise<ZipArchive> {
  const options = { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true };
  let zip: yauzl.ZipFile;
  try {
    zip =
      typeof source === 'string'
        ? await yauzl.openPromise(source, options)
        : await yauzl.fromBufferPromise(source, options);
  } catch (error) {
    throw new AppError('unsupported_file', `This zip cannot be read: ${(error as Error).message}`);
  }
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (entries.size >= maxZipEntries)
        throw new AppError('too_large', `A zip may hold at most ${maxZipEntries} files.`);
      entries.set(entry.fileName, entry);
    }
  } catch (error) {
    zip.close();
    if (error instanceof AppError) throw error;
    throw new AppError('unsupported_file', `This zip is damaged: ${(error as Error).message}`);
  }
  return {
    names: [...entries.keys()],
    size: (name) => entries.get(name)?.uncompressedSize ?? 0,
    async read(name) {
      const entry = entries.get(name);
      if (!entry) throw new AppError('not_found', `${name} is not in the zip.`);
      if (entry.uncompressedSize > maxEntryBytes) {
        throw new AppError(
          'too_large',
          `${name} is larger than ${Math.round(maxEntryBytes / 1024 / 1024)} MB.`,
        );
      }
      const stream: Readable = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    close: () => zip.close(),
  };
}

/** A zip's first bytes: a local file header, or the end record of an empty zip. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}
