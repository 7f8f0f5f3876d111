import { useSettings } from '../settings/settings-store.ts';

const choices = [7, 30, 90, 365, 0];

/** How long the trash keeps images: applied at each start of the app. */
export function TrashSetting() {
  const days = useSettings((state) => state.settings?.trashDays);
  const update = useSettings((state) => state.update);
  if (days === undefined) return null;
  return (
    <section className="settings-section" aria-labelledby="settings-trash">
      <h3 id="settings-trash">Trash</h3>
      <label className="inline-row">
        Delete images for good after
        <select
          className="select"
          value={choices.includes(days) ? days : 'custom'}
          onChange={(event) => void update({ trashDays: Number(event.target.value) })}
        >
          {!choices.includes(days) && <option value="custom">{days} days</option>}
          {choices.map((n) => (
            <option key={n} value={n}>
              {n === 0 ? 'never (keep until I empty it)' : `${n} days in the trash`}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">Checked each time the app starts.</p>
    </section>
  );
}
