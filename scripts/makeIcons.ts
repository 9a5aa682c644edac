/**
 * Draws the Teams app icons (a white padlock): `color.png` 192×192 on the app's accent colour and
 * `outline.png` 32×32, white on transparent, as Teams requires. Run by hand when the design changes:
 * `npx tsx scripts/makeIcons.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

type Rgba = [number, number, number, number];
const ACCENT: Rgba = [0x2e, 0x5a, 0xac, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** Whether (u, v) in the unit square is inside the padlock: filled, or as an outline of `outlineWidth`. */
function lockShape(u: number, v: number, outlineWidth?: number): boolean {
  // Body: a rounded rectangle in the lower part.
  const body = { x0: 0.22, x1: 0.78, y0: 0.45, y1: 0.86, r: 0.06 };
  const inBody = (du = 0) => {
    const x0 = body.x0 + du;
    const x1 = body.x1 - du;
    const y0 = body.y0 + du;
    const y1 = body.y1 - du;
    if (u < x0 || u > x1 || v < y0 || v > y1) return false;
    const cx = Math.min(Math.max(u, x0 + body.r), x1 - body.r);
    const cy = Math.min(Math.max(v, y0 + body.r), y1 - body.r);
    return (u - cx) ** 2 + (v - cy) ** 2 <= body.r ** 2;
  };
  // Shackle: a half ring above the body.
  const ring = (rOuter: number, rInner: number) => {
    const dx = u - 0.5;
    const dy = v - 0.45;
    const d = Math.sqrt(dx * dx + dy * dy);
    if (v <= 0.45) return d <= rOuter && d >= rInner;
    return Math.abs(dx) <= rOuter && Math.abs(dx) >= rInner && v <= 0.5;
  };
  // Keyhole.
  const keyhole =
    (u - 0.5) ** 2 + (v - 0.6) ** 2 <= 0.05 ** 2 || (Math.abs(u - 0.5) <= 0.02 && v >= 0.6 && v <= 0.74);
  if (outlineWidth === undefined) return (inBody() && !keyhole) || ring(0.2, 0.12);
  const inside = inBody() && !inBody(outlineWidth);
  return inside || ring(0.2, 0.2 - outlineWidth * 1.4) || keyhole;
}

function draw(size: number, background: Rgba, foreground: Rgba, outlineWidth?: number): PNG {
  const png = new PNG({ width: size, height: size });
  const samples = 4; // supersampling for smooth edges
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (x + (sx + 0.5) / samples) / size;
          const v = (y + (sy + 0.5) / samples) / size;
          if (lockShape(u, v, outlineWidth)) hits++;
        }
      }
      const a = hits / (samples * samples);
      const i = (y * size + x) * 4;
      for (let c = 0; c < 4; c++) png.data[i + c] = Math.round(foreground[c]! * a + background[c]! * (1 - a));
      if (background[3] === 0) {
        for (let c = 0; c < 3; c++) png.data[i + c] = foreground[c]!;
        png.data[i + 3] = Math.round(255 * a);
      }
    }
  }
  return png;
}

// The IT app (appPackage/it) has the same icons, copied beside its manifest: the Agents Toolkit zips only
// files inside the manifest's folder.
const color = PNG.sync.write(draw(192, ACCENT, WHITE));
const outline = PNG.sync.write(draw(32, CLEAR, WHITE, 0.09));
for (const folder of ['appPackage', 'appPackage/it']) {
  const dir = path.resolve(__dirname, '..', folder);
  fs.writeFileSync(path.join(dir, 'color.png'), color);
  fs.writeFileSync(path.join(dir, 'outline.png'), outline);
  console.log(`wrote ${folder}/color.png and ${folder}/outline.png`);
}
