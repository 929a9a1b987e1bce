import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';

export interface SvgToPngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. Default: the SVG's own width. */
  width?: number;
}

/**
 * Renders an SVG document to PNG with resvg (a native renderer shipped inside its npm package: no
 * browser, no download). Text uses the machine's fonts; without any installed font the shapes
 * still render and the text is left out, so the picture degrades rather than fails.
 */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Buffer {
  return new Resvg(svg, resvgOptions(options)).render().asPng();
}

/** The same, rendered off the event loop (resvg's own thread): for the bot, which must keep answering. */
export async function svgToPngAsync(svg: string, options: SvgToPngOptions = {}): Promise<Buffer> {
  return (await renderAsync(svg, resvgOptions(options))).asPng();
}

function resvgOptions(options: SvgToPngOptions): ResvgRenderOptions {
  return {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    ...(options.width === undefined ? {} : { fitTo: { mode: 'width' as const, value: options.width } }),
    background: '#ffffff',
  };
}
