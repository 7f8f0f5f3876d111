import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-shaped id: 10 characters of millisecond time, then 16 random ones. Ids made later sort later,
 * which keeps the UNIQUE index on images.id append-mostly; the list order itself uses created_at.
 */
export function newImageId(now: number): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let random = '';
  for (const byte of randomBytes(16)) random += alphabet[byte % 32];
  return time + random;
}
