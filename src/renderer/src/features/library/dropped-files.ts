/** Enough for any folder a person drops on purpose; beyond it the drop is cut and the user told. */
export const maxDroppedFiles = 5000;

/** The parts of the File and Directory Entries API that a walk needs (Chromium and Electron have it). */
export interface DroppedEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(success: (file: File) => void, failure: (error: unknown) => void): void;
  createReader?(): {
    readEntries(success: (entries: DroppedEntry[]) => void, failure: (error: unknown) => void): void;
  };
}

export interface DroppedFiles {
  files: File[];
  /** True when the drop held more than maxDroppedFiles files. */
  truncated: boolean;
}

/**
 * Files dropped on the library, with folders walked (so dropping a whole folder imports what is in
 * it). Call `entriesOf` inside the drop handler: the browser revokes the entries once it returns.
 */
export function entriesOf(dataTransfer: DataTransfer): DroppedEntry[] {
  const entries: DroppedEntry[] = [];
  for (const item of dataTransfer.items) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry() as DroppedEntry | null;
    // Files that do not come from a disk (a drop built by a page, a paste) have no entry.
    const file = entry ? null : item.getAsFile();
    if (entry) entries.push(entry);
    else if (file)
      entries.push({ isFile: true, isDirectory: false, name: file.name, file: (ok) => ok(file) });
  }
  return entries;
}

export async function filesOf(entries: DroppedEntry[], limit = maxDroppedFiles): Promise<DroppedFiles> {
  const files: File[] = [];
  let truncated = false;
  const queue = [...entries];
  while (queue.length > 0) {
    const entry = queue.shift()!;
    if (files.length >= limit) {
      truncated = true;
      break;
    }
    // Hidden files (.DS_Store, ._resource forks) are never images a person meant to drop.
    if (entry.name.startsWith('.')) continue;
    if (entry.isFile && entry.file) {
      files.push(await new Promise<File>((resolve, reject) => entry.file!(resolve, reject)));
    } else if (entry.isDirectory && entry.createReader) {
      queue.push(...(await readAll(entry.createReader())));
    }
  }
  return { files, truncated };
}

/** readEntries hands out a directory in batches (100 in Chromium) until it returns an empty one. */
async function readAll(
  reader: ReturnType<NonNullable<DroppedEntry['createReader']>>,
): Promise<DroppedEntry[]> {
  const all: DroppedEntry[] = [];
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}
