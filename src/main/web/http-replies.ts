import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Envelope, ErrorCode } from '../../shared/rpc.ts';

export const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...securityHeaders, 'Content-Type': contentType, ...headers });
  res.end(body);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers?: Record<string, string>,
) {
  send(res, status, 'text/plain; charset=utf-8', text, headers);
}

export function sendEnvelope(res: ServerResponse, status: number, envelope: Envelope): void {
  send(res, status, 'application/json', JSON.stringify(envelope), { 'Cache-Control': 'no-store' });
}

export function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendEnvelope(res, status, { ok: false, error: { code, message } });
}

/**
 * A 413 that reaches the page: the body is not read to its end, so the socket closes after the answer
 * (a browser still sending would otherwise see a reset instead of the message).
 */
export function sendTooLarge(req: IncomingMessage, res: ServerResponse, message: string): void {
  res.on('finish', () => req.destroy());
  send(res, 413, 'application/json', JSON.stringify({ ok: false, error: { code: 'too_large', message } }), {
    Connection: 'close',
  });
}

export class BodyTooLarge extends Error {}

/** The whole body, refused past `limit` bytes (as declared up front, or as it arrives). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const tooLarge = () => new BodyTooLarge(`The request is larger than ${describeBytes(limit)}.`);
    if (Number(req.headers['content-length'] ?? 0) > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading but keep the socket: the 413 still has to reach the page before we hang up.
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function describeBytes(bytes: number): string {
  const gib = 1024 * 1024 * 1024;
  if (bytes >= gib) return `${Math.round((bytes / gib) * 10) / 10} GB`;
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}
