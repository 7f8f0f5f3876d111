/**
 * When the start-up purge of the trash runs: a few seconds in (after the first page), and never
 * while the start-up integrity check is under way. That check holds one read open for seconds (9 s
 * at a million images), no checkpoint can copy past it, and the purge's deletes piled up in the WAL
 * behind it: 240-285 MB for 10,000 expired images at 1M (bench:library), on a disk that may be the
 * nearly full one. Returns the function that calls it off.
 */
export function schedulePurge(
  purge: () => void,
  { delayMs, after }: { delayMs: number; after: Promise<unknown> },
): () => void {
  let off = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, delayMs);
    timer.unref?.();
  });
  // A failed check says nothing against the purge: it runs all the same.
  void Promise.all([waited, after.catch(() => undefined)]).then(() => {
    if (!off) purge();
  });
  return () => {
    off = true;
    clearTimeout(timer);
  };
}
