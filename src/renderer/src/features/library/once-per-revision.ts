/**
 * One fetch per library revision, however many components ask for it at that revision (the toolbar's
 * pickers and the bulk actions' "add to collection" both show the filter choices): each change used
 * to cost main two `library:stats` and two `library:listCollections` calls.
 */
export function oncePerRevision<T>(fetch: () => Promise<T>): (revision: number) => Promise<T> {
  let last: { revision: number; value: Promise<T> } | null = null;
  return (revision) => {
    if (last?.revision !== revision) last = { revision, value: fetch() };
    return last.value;
  };
}
