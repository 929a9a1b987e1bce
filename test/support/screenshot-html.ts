/**
 * A PNG of an HTML page, taken with Debian's headless Chromium (`chromium` on the PATH; apt-get
 * install chromium fonts-noto-color-emoji), for the README's pictures (docs:cards, docs:pictures).
 * The pictures depend on the machine's fonts, so they are made by hand, not compared in tests.
 * Chromium loads the one local file and nothing else: no host name resolves, and its background
 * services (updates, sync, safe browsing lists) are off.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--virtual-time-budget=3000',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--hide-scrollbars',
  '--force-device-scale-factor=1',
];
const MAX_HEIGHT = 4000;

export interface ScreenshotOptions {
  /** The window's width in CSS pixels (the scale factor is 1). */
  width: number;
  /** The picture ends at the bottom of the first element this selects, plus `padding`. */
  selector: string;
  padding?: number;
  /** A folder for the two HTML files Chromium reads. */
  workDir: string;
}

/** Writes `file` and returns the picture's size. */
export function screenshotHtml(html: string, file: string, options: ScreenshotOptions): { width: number; height: number } {
  const { width, selector, workDir } = options;
  const name = file.replace(/^.*\//, '').replace(/\.png$/, '');
  // First pass: where the element ends at this width, written into the title by a script. A page's
  // Content-Security-Policy (the postmortem's forbids scripts) is left out of this pass only: it
  // does not change the layout.
  const measure = join(workDir, `${name}.measure.html`);
  const script = `<script>document.title = String(Math.ceil(document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect().bottom))</script>`;
  writeFileSync(measure, html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/i, '').replace('</body>', `${script}</body>`));
  const dom = execFileSync('chromium', [...FLAGS, `--window-size=${width},1000`, '--dump-dom', `file://${measure}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const bottom = /<title>(\d+)<\/title>/.exec(dom)?.[1];
  if (bottom === undefined) throw new Error(`${name}: no element ${selector} to measure in the page`);
  const height = Math.min(MAX_HEIGHT, Number(bottom) + (options.padding ?? 0));
  // Second pass: the page as it is, at exactly that height.
  const page = join(workDir, `${name}.html`);
  writeFileSync(page, html);
  execFileSync('chromium', [...FLAGS, `--window-size=${width},${height}`, `--screenshot=${file}`, `file://${page}`], { stdio: 'ignore' });
  return { width, height };
}
