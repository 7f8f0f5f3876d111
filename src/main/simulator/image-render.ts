import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { quotedPhrases, quotedSpans } from '../../shared/quoted-text.ts';
import { mulberry32 } from './seeded-random.ts';
import { drawnText, type DrawnText, type TextFaults, type TextLook } from './text-faults.ts';

export interface RenderRequest {
  modelLabel: string;
  prompt: string;
  seed: number;
  /** Position among the images of one request, so num_images gives distinct pictures. */
  index: number;
  width: number;
  height: number;
  format: 'png' | 'jpeg';
  /** Hex colours from a custom palette, used before the prompt-derived ones. */
  palette?: string[];
  /** A remix: the decoded source image and how strongly it should show (1..100). */
  source?: { bytes: Buffer | null; weight: number };
  /** The simulator's text knobs, rolled per image. */
  textFaults?: TextFaults;
  /** Exactly what to draw instead (the text benchmark's ground truth); wins over textFaults. */
  text?: DrawnText;
}

/** FNV-1a, enough to turn a prompt into stable colours. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function withoutQuotedText(prompt: string): string {
  let plain = '';
  let last = 0;
  for (const span of quotedSpans(prompt)) {
    plain += `${prompt.slice(last, span.start)}"…"`;
    last = span.end;
  }
  return plain + prompt.slice(last);
}

function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function textBlock(
  lines: string[],
  x: number,
  y: number,
  size: number,
  fill: string,
  weight: string,
): string {
  const tspans = lines
    .map((line, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : size * 1.15}">${escapeXml(line)}</tspan>`)
    .join('');
  return `<text x="${x}" y="${y}" font-family="DejaVu Sans" font-weight="${weight}" font-size="${size}" fill="${fill}" text-anchor="middle" stroke="#000" stroke-opacity="0.35" stroke-width="${Math.max(1, size / 40)}">${tspans}</text>`;
}

/** The quoted text as the look says: font, outline, rotation, and stripes behind it when busy. */
function styledBlock(lines: string[], x: number, y: number, size: number, look: TextLook): string {
  const fill = look.fill ?? '#ffffff';
  const tspans = lines
    .map((line, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : size * 1.15}">${escapeXml(line)}</tspan>`)
    .join('');
  const paint = look.outline
    ? `fill="none" stroke="${fill}" stroke-width="${Math.max(1.5, size / 22).toFixed(1)}"`
    : `fill="${fill}" stroke="#000" stroke-opacity="0.35" stroke-width="${Math.max(1, size / 40)}"`;
  const text = `<text x="${x}" y="${y}" font-family="${escapeXml(look.font ?? 'DejaVu Sans')}" font-weight="${look.weight ?? 'bold'}" font-style="${look.italic ? 'italic' : 'normal'}" font-size="${size}" text-anchor="middle" ${paint}>${tspans}</text>`;
  const longest = Math.max(...lines.map((l) => l.length));
  const halfWidth = longest * size * 0.36;
  const top = y - size;
  const height = size * 1.15 * lines.length + size * 0.3;
  let busy = '';
  if (look.busy) {
    const stripe = Math.max(3, Math.round(size / 7));
    busy =
      `<defs><pattern id="busy" width="${stripe * 2}" height="${stripe * 2}" patternUnits="userSpaceOnUse" patternTransform="rotate(35)">` +
      `<rect width="${stripe}" height="${stripe * 2}" fill="#f4d03f"/><rect x="${stripe}" width="${stripe}" height="${stripe * 2}" fill="#2c3e50"/></pattern></defs>` +
      `<rect x="${x - halfWidth - size * 0.4}" y="${top}" width="${halfWidth * 2 + size * 0.8}" height="${height}" fill="url(#busy)"/>`;
  }
  const turn = look.rotate ? ` transform="rotate(${look.rotate.toFixed(1)} ${x} ${top + height / 2})"` : '';
  return `<g${turn}>${busy}${text}</g>`;
}

/** Title, prompt excerpt and caption: drawn over generated art, or over a remixed source. */
function overlaySvg(req: RenderRequest, colours: string[], withBackground: boolean): string {
  const { width: w, height: h } = req;
  const rnd = mulberry32(hash(`${req.prompt}|${req.seed}|${req.index}`));
  const unit = Math.min(w, h);
  const parts: string[] = [];
  if (withBackground) {
    parts.push(
      `<defs><linearGradient id="bg" x1="${rnd().toFixed(2)}" y1="0" x2="${rnd().toFixed(2)}" y2="1">` +
        `<stop offset="0" stop-color="${colours[0]}"/><stop offset="1" stop-color="${colours[1]}"/></linearGradient></defs>`,
      `<rect width="${w}" height="${h}" fill="url(#bg)"/>`,
    );
    for (let i = 0; i < 7; i++) {
      const colour = colours[2 + (i % Math.max(1, colours.length - 2))] ?? colours[0];
      const cx = Math.round(rnd() * w);
      const cy = Math.round(rnd() * h);
      const r = Math.round(unit * (0.08 + rnd() * 0.25));
      parts.push(
        i % 2 === 0
          ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${colour}" fill-opacity="${(0.25 + rnd() * 0.4).toFixed(2)}"/>`
          : `<rect x="${cx - r}" y="${cy - r}" width="${r * 2}" height="${Math.round(r * (0.5 + rnd()))}" rx="${Math.round(r / 5)}" fill="${colour}" fill-opacity="${(0.2 + rnd() * 0.4).toFixed(2)}" transform="rotate(${Math.round(rnd() * 90 - 45)} ${cx} ${cy})"/>`,
      );
    }
  }
  const { phrases: quotes, look } = textFor(req);
  const scale = look.scale ?? 1;
  const title = quotes[0];
  if (title) {
    const lines = wrap(title, Math.max(8, Math.round(18 * (w / h) ** 0.5)));
    const longest = Math.max(...lines.map((l) => l.length));
    const size = Math.round(
      scale * Math.min(h * 0.16, (w * 0.9) / (longest * 0.8), (h * 0.5) / (lines.length * 1.15)),
    );
    parts.push(styledBlock(lines, w / 2, h * 0.42 - ((lines.length - 1) * size * 1.15) / 2, size, look));
  }
  const subtitle = quotes.slice(1).join(' · ');
  const small = Math.max(12, Math.round(unit * 0.035));
  if (subtitle) {
    const size = Math.round(small * 1.4 * Math.max(scale, 0.75));
    parts.push(
      styledBlock(wrap(subtitle, Math.round((w * 0.9) / (size * 0.75))), w / 2, h * 0.68, size, look),
    );
  }
  // The quoted words are drawn above, as the knobs decided: the excerpt must not spell them again.
  const plain = withoutQuotedText(req.prompt);
  const excerpt = plain.length > 140 ? `${plain.slice(0, 137)}…` : plain;
  parts.push(
    textBlock(
      wrap(excerpt, Math.round((w * 0.9) / (small * 0.58))).slice(0, 3),
      w / 2,
      h * 0.8,
      small,
      '#ffffff',
      'normal',
    ),
  );
  const caption = `${req.modelLabel} · ${w}×${h} · seed ${req.seed} · #${req.index + 1} · simulated`;
  parts.push(
    `<rect x="0" y="${h - small * 2}" width="${w}" height="${small * 2}" fill="#000" fill-opacity="0.45"/>`,
    `<text x="${w / 2}" y="${h - small * 0.65}" font-family="DejaVu Sans Mono" font-size="${Math.round(small * 0.8)}" fill="#fff" text-anchor="middle">${escapeXml(caption)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${parts.join('')}</svg>`;
}

function textFor(req: RenderRequest): DrawnText {
  if (req.text) return req.text;
  const phrases = quotedPhrases(req.prompt);
  if (!req.textFaults) return { phrases, look: {} };
  const random = mulberry32(hash(`${req.prompt}|${req.seed}|${req.index}|text`));
  return drawnText(phrases, req.textFaults, random);
}

function coloursFor(req: RenderRequest): string[] {
  const base = hash(`${req.prompt}|${req.seed}`);
  const hue = (base % 360) + req.index * 47;
  const derived = [0, 40, 180, 220, 300].map(
    (shift, i) => `hsl(${(hue + shift) % 360}, ${55 + (i % 3) * 15}%, ${30 + i * 9}%)`,
  );
  return [...(req.palette ?? []), ...derived];
}

export async function renderImage(req: RenderRequest): Promise<Buffer> {
  const colours = coloursFor(req);
  let image: Sharp;
  if (req.source?.bytes) {
    const tint = hash(`${req.prompt}|${req.seed}|${req.index}`);
    const overlayAlpha = Math.min(0.85, 0.15 + (1 - req.source.weight / 100) * 0.7);
    const wash = `<svg xmlns="http://www.w3.org/2000/svg" width="${req.width}" height="${req.height}"><rect width="100%" height="100%" fill="${colours[0]}" fill-opacity="${overlayAlpha.toFixed(2)}"/></svg>`;
    try {
      const base = await sharp(req.source.bytes)
        .resize(req.width, req.height, { fit: 'cover' })
        .tint({ r: tint & 0xff, g: (tint >> 8) & 0xff, b: (tint >> 16) & 0xff })
        .toBuffer();
      image = sharp(base).composite([
        { input: Buffer.from(wash) },
        { input: Buffer.from(overlaySvg(req, colours, false)) },
      ]);
    } catch {
      // An unreadable source still yields an image, marked so a person can see what happened.
      image = sharp(
        Buffer.from(
          overlaySvg(
            { ...req, prompt: `${req.prompt} "source unreadable"`, source: undefined },
            colours,
            true,
          ),
        ),
      );
    }
  } else {
    const marked = req.source ? { ...req, prompt: `${req.prompt} "source unreadable"` } : req;
    image = sharp(Buffer.from(overlaySvg(marked, colours, true)));
  }
  return req.format === 'png'
    ? image.png({ compressionLevel: 2 }).toBuffer()
    : image.jpeg({ quality: 85 }).toBuffer();
}
