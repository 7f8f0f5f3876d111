import { on } from '../../bridge/api.ts';
import { useLibrary } from '../library/library-store.ts';

/**
 * Keeps tiles' text marks current from textCheck:changed, which carries the new status: no call
 * back to main and no reload per finished check. Under a text filter, an image whose new status no
 * longer fits it leaves the grid (patchItems). Otherwise only the tile changes: the window is
 * patched in place without bumping `revision`, which would refetch the toolbar's tags and
 * collections once per check.
 */
export function subscribeTextStatus(): () => void {
  return on('textCheck:changed', (check) => {
    const state = useLibrary.getState();
    const wanted = state.filters.textStatus;
    if (wanted && check.status !== 'pending' && check.status !== wanted) {
      state.patchItems([check.imageId], () => null);
      return;
    }
    const { touched } = state.window.patch(new Set([check.imageId]), (item) => ({
      ...item,
      textStatus: check.status,
    }));
    if (touched > 0) useLibrary.setState({ itemsVersion: state.itemsVersion + 1 });
  });
}
