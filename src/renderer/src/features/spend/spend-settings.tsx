import type { Settings } from '../../../../shared/api/app.ts';
import { getModel, modelIds, priceTiersOf } from '../../../../shared/models/index.ts';
import { formatUsd, priceKey, publishedPrices } from '../../../../shared/pricing.ts';
import { MoneyInput } from './money-input.tsx';
import { useSpend } from './spend-store.ts';
import './spend.css';

const sourceWords = { published: 'published', observed: 'from charges', override: 'yours' } as const;

/** Settings for money: the daily and monthly caps, when to ask first, and prices the user knows better. */
export function SpendSettings({
  settings,
  change,
}: {
  settings: Settings;
  change(patch: Partial<Settings>): void;
}) {
  const prices = useSpend((state) => state.totals?.prices);
  const { budgets } = settings;
  return (
    <section className="settings-section" aria-labelledby="settings-money">
      <h3 id="settings-money">Budgets and prices</h3>
      <p className="muted">
        A job whose estimate would go past a budget waits in the queue (it is not sent, and not lost) until
        you raise the budget or the day or month starts over. Leave a budget empty for none.
      </p>
      <div className="spend-settings-grid">
        <MoneyInput
          id="budget-daily"
          label="Daily budget (USD)"
          value={budgets.dailyUsd}
          allowEmpty
          placeholder="none"
          onSave={(dailyUsd) => change({ budgets: { ...budgets, dailyUsd } })}
        />
        <MoneyInput
          id="budget-monthly"
          label="Monthly budget (USD)"
          value={budgets.monthlyUsd}
          allowEmpty
          placeholder="none"
          onSave={(monthlyUsd) => change({ budgets: { ...budgets, monthlyUsd } })}
        />
        <MoneyInput
          id="ask-above"
          label="Ask before several jobs costing more than (USD)"
          value={settings.askAboveUsd}
          allowEmpty={false}
          onSave={(askAboveUsd) => change({ askAboveUsd: askAboveUsd ?? 1 })}
        />
      </div>
      <details>
        <summary>Prices per image</summary>
        <p className="muted">
          Estimates start from Segmind&apos;s published prices and follow what Segmind actually charges. Type
          your own price to use it instead; empty goes back to the estimate.
        </p>
        <table className="spend-table price-table">
          <thead>
            <tr>
              <th>Model</th>
              <th>Speed</th>
              <th className="num">In use</th>
              <th>Your price</th>
            </tr>
          </thead>
          <tbody>
            {modelIds.flatMap((model) =>
              priceTiersOf(getModel(model)).map((tier) => {
                const key = priceKey(model, tier);
                const price = prices?.[model]?.[tier];
                const label = `${getModel(model).label} ${tier.toLowerCase()} price (USD)`;
                return (
                  <tr key={key}>
                    <td>{getModel(model).label}</td>
                    <td>{tier.charAt(0) + tier.slice(1).toLowerCase()}</td>
                    <td className="num">
                      {formatUsd(price?.usd ?? publishedPrices[model][tier] ?? 0)}{' '}
                      <span className="muted">({sourceWords[price?.source ?? 'published']})</span>
                    </td>
                    <td>
                      <MoneyInput
                        hideLabel
                        id={`price-${model}-${tier}`}
                        label={label}
                        value={settings.priceOverrides[key] ?? null}
                        allowEmpty
                        placeholder="estimate"
                        onSave={(usd) => {
                          const next = { ...settings.priceOverrides };
                          if (usd === null) delete next[key];
                          else next[key] = usd;
                          change({ priceOverrides: next });
                        }}
                      />
                    </td>
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      </details>
    </section>
  );
}
