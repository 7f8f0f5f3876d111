import { useCompose } from '../compose/compose-store.ts';
import { readTableFile, tableFilePattern, useBatches } from './batch-store.ts';

/**
 * A table file dropped anywhere on the app opens it as a batch. The library panel takes drops of
 * images (and hands it table files it finds, see library-panel.tsx); this catches the rest.
 */
export function watchBatchFileDrops(): void {
  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
  window.addEventListener('dragover', (event) => {
    if (carriesFiles(event) && !event.defaultPrevented) event.preventDefault();
  });
  window.addEventListener('drop', (event) => {
    if (event.defaultPrevented || !carriesFiles(event)) return;
    event.preventDefault();
    const file = [...(event.dataTransfer?.files ?? [])].find((f) => tableFilePattern.test(f.name));
    if (file) void readTableFile(file, useCompose.getState().model);
  });
}

/** "(12/40) Ideogram Studio" while a batch runs: progress n of N where a tab or window title shows. */
export function watchBatchProgressTitle(): void {
  const base = document.title;
  useBatches.subscribe((state) => {
    let done = 0;
    let total = 0;
    for (const id of state.order) {
      const batch = state.batches[id];
      if (!batch || batch.state === 'done') continue;
      done += batch.completed + batch.failed + batch.canceled;
      total += batch.total;
    }
    document.title = total > 0 ? `(${done}/${total}) ${base}` : base;
  });
}
