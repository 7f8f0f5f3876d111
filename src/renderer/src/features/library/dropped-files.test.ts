import { describe, expect, it } from 'vitest';
import { filesOf, type DroppedEntry } from './dropped-files.ts';

function file(name: string): DroppedEntry {
  return { isFile: true, isDirectory: false, name, file: (ok) => ok(new File(['x'], name)) };
}

/** A folder that, like Chromium, hands out its entries in batches. */
function folder(name: string, children: DroppedEntry[], batch = 2): DroppedEntry {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader() {
      let offset = 0;
      return {
        readEntries(ok) {
          ok(children.slice(offset, offset + batch));
          offset += batch;
        },
      };
    },
  };
}

describe('dropped files', () => {
  it('walks nested folders, reads every batch and skips hidden files', async () => {
    const tree = [
      file('a.png'),
      folder('shoot', [
        file('b.jpg'),
        file('.DS_Store'),
        folder('picks', [file('c.webp'), file('d.png'), file('e.png')]),
      ]),
      folder('.git', [file('config')]),
    ];
    const { files, truncated } = await filesOf(tree);
    expect(files.map((f) => f.name).sort()).toEqual(['a.png', 'b.jpg', 'c.webp', 'd.png', 'e.png']);
    expect(truncated).toBe(false);
  });

  it('stops at the limit and says so', async () => {
    const many = Array.from({ length: 12 }, (_, i) => file(`${i}.png`));
    const { files, truncated } = await filesOf([folder('big', many, 5)], 10);
    expect(files).toHaveLength(10);
    expect(truncated).toBe(true);
  });
});
