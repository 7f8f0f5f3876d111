import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { methods } from '../../shared/contract.ts';
import { checksOf, defOf, places, takesFreeString, type Schema } from './test-support/schema-walk.ts';

/**
 * The page contract is everything a page can call, so everything in it is attack surface. Two rules:
 *
 * 1. The page calls every method (a method it never calls is a door nobody watches).
 * 2. No method takes a file-system path. A path can hide anywhere a string goes, so the rule is about
 *    the contract's shape, not about values:
 *    a. No field named for a place on disk (path, dir, folder, file, destination, source, target...)
 *       may hold a string. `files: [{ name, bytes }]` is fine: it holds objects, and `name` is a label.
 *    b. Every string is bounded by its schema: a maximum length, or a pattern that refuses path shapes
 *       (`/etc/passwd`, `C:\Windows`, `../..`, `~/.ssh`, `file:///`), tried on the schema itself. A
 *       vaguely named `where: z.string()` is exactly how a path input would slip in, and it fails
 *       here; free text the user writes (a prompt, a tag) has a length sized for what it holds.
 *    c. Values typed as unknown are allowed only at the places listed in `opaque`, each with the
 *       reason it never reaches the file system.
 *    Every handler that touches a file takes an id (an image id, a sha256) and looks the file up
 *    itself; that is what these rules keep true.
 */

const pathWords = new Set([
  'path',
  'paths',
  'filepath',
  'filename',
  'file',
  'dir',
  'dirs',
  'directory',
  'folder',
  'folders',
  'destination',
  'dest',
  'source',
  'sources',
  'src',
  'target',
  'location',
  'cwd',
  'root',
]);

const pathProbes = [
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  '..\\..\\boot.ini',
  '../../../etc/shadow',
  '~/.ssh/id_rsa',
  'file:///etc/passwd',
  '\\\\server\\share\\x',
];

/** "method field.path" prefixes whose values are deliberately open, and why they are no path. */
const opaque: Record<string, string> = {
  'jobs:create params':
    "parsed by the model's own schema (src/shared/models) before the engine uses it; image fields take only local:<sha256>, data URIs or https URLs",
  'jobs:variations params': 'the same model schemas as jobs:create',
  'settings:update lastParams':
    "the form's last values per model, stored in settings.json and handed back to the form; never opened",
};

function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function isBoundedString(schema: Schema): boolean {
  if (checksOf(schema).some((check) => check.check === 'max_length' || check.check === 'length_equals'))
    return true;
  return pathProbes.every((probe) => !schema.safeParse(probe).success);
}

/** Where an input schema could take a path, one line per problem. */
export function pathInputsOf(method: string, input: Schema): string[] {
  const problems: string[] = [];
  for (const place of places(input)) {
    const where = place.path.join('.');
    if (Object.keys(opaque).some((prefix) => `${method} ${where}`.startsWith(prefix))) continue;
    const key = place.path.at(-1) ?? '';
    if (wordsOf(key).some((word) => pathWords.has(word)) && takesFreeString(place.schema)) {
      problems.push(`${method} ${where}: a field named like a path holds a string`);
    }
    const type = defOf(place.schema).type;
    if (type === 'string' && !isBoundedString(place.schema)) {
      problems.push(`${method} ${where || '(input)'}: a string with no bound takes a path`);
    }
    if (type === 'unknown' || type === 'any') {
      problems.push(`${method} ${where || '(input)'}: an open value could carry a path`);
    }
  }
  return problems;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The page's own code: features and the app shell, not the transport that carries every name. */
function pageSources(): string {
  const dir = join(root, 'src/renderer/src');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
    .filter((entry) => !join(entry.parentPath, entry.name).includes(`${join('src', 'bridge')}`))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

describe('the page contract', () => {
  it('holds only methods the page calls', () => {
    const source = pageSources();
    const uncalled = Object.keys(methods).filter((name) => !source.includes(`'${name}'`));
    expect(uncalled).toEqual([]);
  });

  it('has no method that takes a file-system path', () => {
    const problems = Object.entries(methods).flatMap(([name, method]) => pathInputsOf(name, method.input));
    expect(problems).toEqual([]);
  });

  it('the rule catches the path inputs the contract used to have, and lets ids and text through', () => {
    const FilePath = z.string().min(1).max(4096);
    const removed = {
      'library:export': z.object({
        ids: z.array(z.string()).max(9),
        destination: FilePath,
        as: z.enum(['zip']),
      }),
      'library:backup': z.object({ destination: FilePath }),
      'library:restoreBackup': z.object({ source: FilePath }),
      'library:importPaths': z.object({ paths: z.array(FilePath).min(1).max(1000) }),
      'x:vague': z.object({ where: z.string() }),
      'x:nested': z.object({ options: z.object({ outDir: z.string().max(100).optional() }) }),
      'x:open': z.object({ anything: z.unknown() }),
    };
    for (const [name, input] of Object.entries(removed)) {
      expect(pathInputsOf(name, input), name).not.toEqual([]);
    }
    const fine = z.object({
      id: z.string().regex(/^[0-9A-Z]{26}$/),
      prompt: z.string().max(10_000),
      files: z.array(z.object({ name: z.string().max(255), bytes: z.instanceof(Uint8Array) })),
    });
    expect(pathInputsOf('x:fine', fine)).toEqual([]);
  });
});
