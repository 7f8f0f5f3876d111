import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { segmindError, type SegmindError } from './errors.ts';
import { exchange, sizeText, type Exchange } from './http-exchange.ts';
import { sniffImageType, type OutputSource } from './output-normalizer.ts';

export interface DownloadResult {
  bytes: Buffer;
  contentType: string | null;
}

export interface FileDownload {
  path: string;
  size: number;
  sha256: string;
  contentType: string | null;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  maxBytes?: number;
}

/** The part of fs.promises' FileHandle a download writes through. */
export interface WritableFile {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface MediaDeps {
  fetch: typeof fetch;
  timeoutMs: number;
  deadlineMs: number;
  userAgent: string;
  /** Creates the file a download streams into; tests pass one that fails like a full disk. */
  createFile: ((path: string) => Promise<WritableFile>) | undefined;
  /** The error for a non-2xx answer, worded (and redacted) like every other answer's. */
  httpError(res: Exchange): SegmindError;
}

const DEFAULT_MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
const openForWrite = (path: string) => open(path, 'wx');

/**
 * The outputs of a finished request: inline bytes, or media URLs fetched at once (they are
 * temporary). Media hosts are third parties (S3, CDNs): no key, ever, even on the API origin.
 */
export function createMediaDownloads(deps: MediaDeps) {
  const createFile = deps.createFile ?? openForWrite;
  const headers = () => ({ 'user-agent': deps.userAgent, accept: 'image/*' });

  async function fetchMedia(
    href: string,
    { signal, maxBytes }: { signal?: AbortSignal | undefined; maxBytes: number },
    sink?: (chunk: Uint8Array) => Promise<void>,
  ): Promise<Exchange> {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      throw segmindError('bad_response', 'the output URL is not valid');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw segmindError('bad_response', 'the output URL is not http(s)');
    }
    const res = await exchange(
      url.href,
      { method: 'GET', body: undefined },
      {
        fetch: deps.fetch,
        timeoutMs: deps.timeoutMs,
        deadlineMs: deps.deadlineMs,
        headersFor: headers,
        signal,
        maxBytes,
        what: 'the image',
        sink,
      },
    );
    if (res.status < 200 || res.status > 299) throw deps.httpError(res);
    return res;
  }

  return {
    async download(
      source: OutputSource,
      { signal, maxBytes = DEFAULT_MAX_DOWNLOAD_BYTES }: DownloadOptions = {},
    ): Promise<DownloadResult> {
      if (source.kind === 'bytes') {
        checkInlineSize(source.bytes, maxBytes);
        return { bytes: source.bytes, contentType: source.contentType ?? sniffImageType(source.bytes) };
      }
      const res = await fetchMedia(source.url, { signal, maxBytes });
      return { bytes: res.body, contentType: mediaType(res.headers, res.body) };
    },

    /**
     * Streams an output into `path` (created, fsynced) with the size cap, hashing as it goes, so a
     * large image never sits whole in memory. The file is removed again when anything fails.
     */
    async downloadToFile(
      source: OutputSource,
      path: string,
      { signal, maxBytes = DEFAULT_MAX_DOWNLOAD_BYTES }: DownloadOptions = {},
    ): Promise<FileDownload> {
      const handle = await createFile(path);
      const hash = createHash('sha256');
      let head = Buffer.alloc(0);
      let size = 0;
      const sink = async (chunk: Uint8Array) => {
        if (head.length < 16) head = Buffer.concat([head, Buffer.from(chunk.subarray(0, 16))]);
        hash.update(chunk);
        size += chunk.byteLength;
        await writeAll(handle, chunk);
      };
      try {
        let answered: Headers | null = null;
        if (source.kind === 'bytes') {
          checkInlineSize(source.bytes, maxBytes);
          await sink(source.bytes);
        } else {
          answered = (await fetchMedia(source.url, { signal, maxBytes }, sink)).headers;
        }
        // Durable before the library renames it into its store: a crash must not leave a torn image.
        await handle.sync();
        await handle.close();
        const contentType =
          source.kind === 'bytes' ? (source.contentType ?? sniffImageType(head)) : mediaType(answered!, head);
        return { path, size, sha256: hash.digest('hex'), contentType };
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(path, { force: true });
        throw error;
      }
    },
  };
}

/**
 * FileHandle.write is one write(2): on a disk that fills up mid-chunk it resolves with fewer bytes
 * written and no error, and only the next write says ENOSPC. When that chunk was the last one the
 * download "succeeded" into a cut-off file, which the decoder then called damaged: the job burned
 * its retries on "damaged" instead of pausing for the disk. Writing the rest makes the disk say so.
 */
async function writeAll(handle: WritableFile, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength;) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    // write(2) returns 0 without an error only for an empty buffer; were it ever to, no endless loop.
    if (bytesWritten <= 0) throw Object.assign(new Error('the disk accepted no bytes'), { code: 'EIO' });
    offset += bytesWritten;
  }
}

function checkInlineSize(bytes: Buffer, maxBytes: number): void {
  if (bytes.length > maxBytes) {
    throw segmindError(
      'too_large',
      `the image is ${sizeText(bytes.length)}; the app takes at most ${sizeText(maxBytes)}`,
    );
  }
}

/** The declared type when it is an image type, else what the first bytes say. */
function mediaType(headers: Headers, head: Buffer): string | null {
  const header = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null;
  return header?.startsWith('image/') ? header : (sniffImageType(head) ?? header);
}
