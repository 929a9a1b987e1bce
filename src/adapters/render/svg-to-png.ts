import { Resvg } from '@resvg/resvg-js';

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
  const renderer = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    ...(options.width === undefined ? {} : { fitTo: { mode: 'width' as const, value: options.width } }),
    background: '#ffffff',
  });
  return renderer.render().asPng();
}
