/**
 * The text benchmark's images: quoted phrases drawn by the simulator's renderer with known ground
 * truth (spelled right, one phrase misspelled, one phrase missing) over varied fonts, sizes,
 * rotations, colours and backgrounds. Everything is drawn from one seed, printed by the bench.
 */
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';
import { misspell, misspellings, type TextLook } from '../src/main/simulator/text-faults.ts';

export type Truth = 'right' | 'misspelled' | 'missing';
export type Style = 'clear' | 'stylised';

export interface Sample {
  name: string;
  prompt: string;
  phrases: string[];
  drawn: string[];
  truth: Truth;
  style: Style;
  /** What makes it stylised ('plain' for clear type), for the breakdown of where the check fails. */
  trait: string;
  font: string;
  look: TextLook;
  width: number;
  height: number;
  seed: number;
}

const phrasesPool = [
  'OPEN LATE',
  'Fresh Bread Daily',
  'SUMMER SALE',
  'Grand Opening',
  'TOKYO',
  'Where Tradition Meets Tomorrow',
  'Coffee & Co.',
  '50% OFF',
  'Live Music Tonight',
  'Bakery',
  'JAZZ NIGHT',
  'Midnight Market',
  'Harbor Fish House',
  'NEW ARRIVALS',
  'Thank You',
  'Happy Birthday Mia',
  'NORTHERN LIGHTS',
  'Book Club',
  'FARMERS MARKET',
  'Espresso Bar',
  'Vintage Records',
  'CITY MARATHON 2026',
  'Open Studio',
  'Winter Collection',
  'NO PARKING',
  'Sushi Garden',
  'Golden Hour',
  'SPRING FESTIVAL',
  'Ocean Breeze',
  'Craft Beer',
  'The Night Owl',
  'FREE WIFI',
  'Mountain Trail',
  'Hello World',
  'BLACK FRIDAY',
  'Sweet Dreams',
  'Urban Garden',
  'LAST CHANCE',
  'Tea House',
  'Velvet Lounge',
];
const subjects = [
  'A shop sign',
  'A vintage poster',
  'A logo',
  'A book cover',
  'A neon sign',
  'A flyer',
  'A label',
];
const clearFonts = ['DejaVu Sans', 'DejaVu Serif', 'Liberation Sans', 'Liberation Serif', 'DejaVu Sans Mono'];
const narrowFonts = ['DejaVu Sans Condensed', 'Liberation Sans Narrow', 'DejaVu Serif Condensed'];
const lightFills = ['#ffffff', '#fff5c2', '#e0f7ff', '#ffe4ec'];
const darkFills = ['#1b1b1b', '#3a0ca3', '#5a1e0e'];
const sizes: [number, number][] = [
  [1024, 1024],
  [768, 1024],
  [1024, 768],
  [1280, 720],
  [896, 1152],
  [1024, 576],
];
const stylisedTraits = ['small', 'rotated', 'outlined', 'busy', 'italic', 'narrow', 'dark-on-art'] as const;

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)]!;
}

function stylisedLook(
  trait: (typeof stylisedTraits)[number],
  random: () => number,
): { look: TextLook; font: string } {
  const font = trait === 'narrow' ? pick(narrowFonts, random) : pick(clearFonts, random);
  const look: TextLook = { font, fill: pick(lightFills, random), weight: random() < 0.7 ? 'bold' : 'normal' };
  if (trait === 'small') look.scale = 0.3 + random() * 0.15;
  if (trait === 'rotated') look.rotate = (random() < 0.5 ? -1 : 1) * (6 + random() * 16);
  if (trait === 'outlined') look.outline = true;
  if (trait === 'busy') look.busy = true;
  if (trait === 'italic') look.italic = true;
  if (trait === 'dark-on-art') look.fill = pick(darkFills, random);
  return { look, font };
}

/** `count` samples: half clear type, half stylised; half right, 30% misspelled, 20% missing. */
export function makeSamples(seed: number, count: number, prefix: string): Sample[] {
  const random = mulberry32(seed);
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const phrases = [pick(phrasesPool, random)];
    if (random() < 0.4) {
      const second = pick(phrasesPool, random);
      if (second !== phrases[0]) phrases.push(second);
    }
    const prompt = `${pick(subjects, random)} that says ${phrases.map((p) => `"${p}"`).join(' and ')}`;
    const roll = random();
    const truth: Truth = roll < 0.5 ? 'right' : roll < 0.8 ? 'misspelled' : 'missing';
    const drawn = [...phrases];
    const which = Math.floor(random() * phrases.length);
    if (truth === 'misspelled') drawn[which] = misspell(phrases[which]!, pick(misspellings, random), random);
    if (truth === 'missing') drawn.splice(which, 1);
    const style: Style = i % 2 === 0 ? 'clear' : 'stylised';
    let look: TextLook;
    let font: string;
    let trait = 'plain';
    if (style === 'clear') {
      font = pick(clearFonts, random);
      look = {
        font,
        fill: pick(lightFills, random),
        weight: random() < 0.7 ? 'bold' : 'normal',
        scale: 0.7 + random() * 0.3,
      };
    } else {
      const chosen = pick(stylisedTraits, random);
      trait = chosen;
      ({ look, font } = stylisedLook(chosen, random));
    }
    const [width, height] = pick(sizes, random);
    samples.push({
      name: `${prefix}-${String(i).padStart(3, '0')}`,
      prompt,
      phrases,
      drawn,
      truth,
      style,
      trait,
      font,
      look,
      width,
      height,
      seed: 100 + Math.floor(random() * 999_000),
    });
  }
  return samples;
}
