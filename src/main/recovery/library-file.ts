import fs from 'node:fs';

/** What the library file looks like from the outside, before SQLite is asked to open it. */
export type LibraryFileFacts =
  | { kind: 'missing' }
  | { kind: 'empty' }
  | { kind: 'sqlite'; pageSize: number; bytes: number }
  | { kind: 'not_a_file' }
  | { kind: 'no_access'; code: string }
  | { kind: 'not_a_database'; reason: string }
  | { kind: 'truncated'; bytes: number; expectedBytes: number };

const magic = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Reads the 100-byte SQLite header (https://sqlite.org/fileformat.html#the_database_header) to tell a
 * file that was overwritten or cut short from one SQLite can open, without opening it: opening can
 * write (a checkpoint, a journal roll-back), and a damaged file must stay exactly as it was found.
 */
export function inspectLibraryFile(file: string): LibraryFileFacts {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return code === 'ENOENT' ? { kind: 'missing' } : { kind: 'no_access', code };
  }
  if (!stat.isFile()) return { kind: 'not_a_file' };
  if (stat.size === 0) return { kind: 'empty' };
  const header = Buffer.alloc(100);
  let read: number;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      read = fs.readSync(fd, header, 0, 100, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    return { kind: 'no_access', code: (error as NodeJS.ErrnoException).code ?? 'error' };
  }
  if (read < 100 || !header.subarray(0, 16).equals(magic)) {
    return { kind: 'not_a_database', reason: 'it does not start with the SQLite header' };
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    return { kind: 'not_a_database', reason: `its header names an impossible page size (${rawPageSize})` };
  }
  // The page count in the header is only trusted when its "valid for" counter matches the change
  // counter, as SQLite itself does. With a -wal beside it the file may lawfully lag behind (a
  // checkpoint cut off by a crash is finished from the -wal), so only a lone file is measured.
  const pages = header.readUInt32BE(28);
  const countValid = pages > 0 && header.readUInt32BE(92) === header.readUInt32BE(24);
  const walBytes = fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  const expectedBytes = pages * pageSize;
  if (walBytes === 0 && ((countValid && stat.size < expectedBytes) || stat.size % pageSize !== 0)) {
    const wholePages = Math.ceil(stat.size / pageSize) * pageSize;
    return { kind: 'truncated', bytes: stat.size, expectedBytes: countValid ? expectedBytes : wholePages };
  }
  return { kind: 'sqlite', pageSize, bytes: stat.size };
}
