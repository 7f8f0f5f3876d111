import { aspectRatios, resolutions } from '../../../../shared/models/index.ts';

/** "16x9" or "1312x736" -> width / height. */
export const ratioValue = (ratio: string) => {
  const [w, h] = ratio.split('x').map(Number);
  return (w ?? 1) / (h ?? 1);
};

/** Resolutions grouped under the aspect ratio they are closest to, tallest first. */
export const resolutionGroups: { ratio: string; items: string[] }[] = (() => {
  const byRatio = new Map<string, string[]>();
  for (const resolution of resolutions) {
    const value = ratioValue(resolution);
    let best = aspectRatios[0] as string;
    for (const ratio of aspectRatios) {
      if (Math.abs(Math.log(ratioValue(ratio) / value)) < Math.abs(Math.log(ratioValue(best) / value)))
        best = ratio;
    }
    byRatio.set(best, [...(byRatio.get(best) ?? []), resolution]);
  }
  return [...byRatio.entries()]
    .sort(([a], [b]) => ratioValue(a) - ratioValue(b))
    .map(([ratio, items]) => ({ ratio, items }));
})();
