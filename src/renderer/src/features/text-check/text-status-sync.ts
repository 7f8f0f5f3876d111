import { on } from '../../bridge/api.ts';
import { useLibrary } from '../library/library-store.ts';

/**
 * Keeps tiles' text marks current from textCheck:changed, which carries the new status: no call
 * back to main and no reload per finished check. Under a text filter, an image whose new status no
 * longer fits it leaves the grid.
 */
export function subscribeTextStatus(): () => void {
  return on('textCheck:changed', (check) => {
    const { filters, patchItems } = useLibrary.getState();
    const wanted = filters.textStatus;
    patchItems([check.imageId], (item) =>
      wanted && check.status !== 'pending' && check.status !== wanted
        ? null
        : { ...item, textStatus: check.status },
    );
  });
}
