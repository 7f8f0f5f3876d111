import { formatUsd } from '../../../../shared/pricing.ts';

const WIDTH = 600;
const HEIGHT = 120;
const AXIS = 16;

/** Spend per day as plain SVG bars; today is the last, in its own colour. */
export function SpendChart({ days }: { days: { day: string; usd: number }[] }) {
  const top = Math.max(...days.map((d) => d.usd), 0.01);
  const slot = WIDTH / Math.max(1, days.length);
  const total = days.reduce((sum, d) => sum + d.usd, 0);
  return (
    <svg
      className="spend-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Spend per day over the last ${days.length} days: ${formatUsd(total)} in all, at most ${formatUsd(top)} in a day.`}
    >
      <line x1={0} x2={WIDTH} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} />
      {days.map((d, i) => {
        const h = ((HEIGHT - AXIS - 4) * d.usd) / top;
        return (
          <rect
            key={d.day}
            className={i === days.length - 1 ? 'spend-chart-today' : undefined}
            x={i * slot + slot * 0.15}
            y={HEIGHT - AXIS - h}
            width={slot * 0.7}
            height={h}
          >
            <title>{`${d.day}: ${formatUsd(d.usd)}`}</title>
          </rect>
        );
      })}
      <text x={2} y={HEIGHT - 3}>
        {days[0]?.day}
      </text>
      <text x={WIDTH - 2} y={HEIGHT - 3} textAnchor="end">
        today
      </text>
    </svg>
  );
}
