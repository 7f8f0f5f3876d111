import { useState } from 'react';
import { perMinuteOf, ratePlans, type RateLimitChoice, type Settings } from '../../../../shared/api/app.ts';

const plans: { value: RateLimitChoice['plan']; label: string }[] = [
  { value: 'none', label: 'Not set' },
  { value: 'free', label: `Free (${ratePlans.free} a minute)` },
  { value: 'pro', label: `Pro (${ratePlans.pro} a minute)` },
  { value: 'custom', label: 'Custom' },
];

/**
 * The Segmind plan's request limit: submits are spaced under it instead of bouncing off 429s, and
 * batches predict their finish time from it. Whether status checks count is the user's call, since
 * Segmind does not say.
 */
export function RateLimitSetting({
  settings,
  change,
}: {
  settings: Settings;
  change(patch: Partial<Settings>): void;
}) {
  const choice = settings.rateLimit;
  const [custom, setCustom] = useState(String(choice.customPerMinute));
  const set = (patch: Partial<RateLimitChoice>) => change({ rateLimit: { ...choice, ...patch } });
  const perMinute = perMinuteOf(choice);
  return (
    <section className="settings-section" aria-labelledby="settings-rate">
      <h3 id="settings-rate">Segmind rate limit</h3>
      <div className="segmented-options" role="radiogroup" aria-labelledby="settings-rate">
        {plans.map((plan) => (
          <label key={plan.value} className="segmented-option">
            <input
              type="radio"
              name="rate-plan"
              checked={choice.plan === plan.value}
              onChange={() => set({ plan: plan.value })}
            />
            <span>{plan.label}</span>
          </label>
        ))}
      </div>
      {choice.plan === 'custom' && (
        <label className="inline-row">
          Requests a minute
          <input
            className="input input-number"
            type="number"
            min={1}
            max={10_000}
            value={custom}
            onChange={(event) => setCustom(event.target.value)}
            onBlur={() => {
              const n = Math.round(Number(custom));
              if (Number.isFinite(n) && n >= 1 && n <= 10_000) set({ customPerMinute: n });
              else setCustom(String(choice.customPerMinute));
            }}
          />
        </label>
      )}
      <label className="switch-row">
        <input
          type="checkbox"
          role="switch"
          checked={choice.pollsCount}
          disabled={perMinute === null}
          onChange={(event) => set({ pollsCount: event.target.checked })}
        />
        Status checks count against the limit too
      </label>
      <p className="muted">
        {perMinute === null
          ? 'No limit set: the app sends as fast as Jobs at once allows and slows down when Segmind answers 429.'
          : `Requests are spaced to stay under ${perMinute} a minute; batches show when they should finish. Segmind's 429 answers are still honoured.`}{' '}
        Segmind does not document whether status checks count; turn it on if you see 429s while jobs run.
      </p>
    </section>
  );
}
