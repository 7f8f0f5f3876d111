import { on } from '../../bridge/api.ts';
import { useLibrary } from '../library/library-store.ts';

/**
 * Keeps tiles' text marks current from textCheck:changed, which carries the new status: no call
 * back to main, and no library reload, per finished check. New images sit at the top of the grid,
 * so the search for the tile ends early.
 */
export function subscribeTextStatus(): () => void {
  return on('textCheck:changed', (check) => {
    const state = useLibrary.getState();
    const index = state.items.findIndex((item) => item.id === check.imageId);
    const item = state.items[index];
    if (!item || item.textStatus === check.status) return;
    const wanted = state.filters.textStatus;
    if (wanted && check.status !== 'pending' && check.status !== wanted) {
      state.patchItems([item.id], () => null);
      return;
    }
    // Items are kept in place (pages are appended to the same array): replace one, bump the version.
    state.items[index] = { ...item, textStatus: check.status };
    useLibrary.setState({ itemsVersion: state.itemsVersion + 1 });
  });
}
