import { mediaUrl } from '../../bridge/api.ts';
import { Modal } from '../../app/modal.tsx';
import { LoadingState } from '../../app/states.tsx';
import { ParamsTable } from './params-table.tsx';
import { useDetail } from './detail-store.ts';

/** Two images side by side, each with its recipe, so the difference in settings is easy to spot. */
export function CompareDialog() {
  const compareIds = useDetail((state) => state.compareIds);
  const records = useDetail((state) => state.compareRecords);
  const close = useDetail((state) => state.closeCompare);
  return (
    <Modal title="Compare" open={compareIds !== null} onClose={close} className="compare-modal">
      {!records ? (
        <LoadingState>Loading both images…</LoadingState>
      ) : (
        <div className="compare">
          {records.map((record) => (
            <figure key={record.id} className="compare-side">
              <img src={mediaUrl(`/image/${record.id}/preview`)} alt={record.prompt} />
              <figcaption>
                <p className="detail-prompt">{record.prompt}</p>
                <ParamsTable record={record} />
              </figcaption>
            </figure>
          ))}
        </div>
      )}
    </Modal>
  );
}
