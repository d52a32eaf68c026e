/**
 * Turns a vega-lite spec into SVG and PNG, headless: vega-lite compiles it to a vega spec, a vega
 * View with no renderer (`renderer: 'none'`) runs the dataflow and writes SVG (`view.toSVG()`),
 * and resvg (a Rust renderer shipped as a prebuilt binary inside its npm package) rasterises that
 * SVG. No browser, no canvas, no native build.
 *
 * resvg draws text only with fonts it has loaded: the DejaVu TrueType files shipped by the
 * `dejavu-fonts-ttf` package are always loaded, so PNGs carry their labels on machines (and slim
 * containers) without system fonts; system fonts are loaded as well for glyphs DejaVu lacks.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { logger as vegaLogger, parse, View, Warn } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FONT_FAMILY } from './spec-kit.js';

/** A rendered chart. */
export interface RenderedChart {
  readonly svg: string;
  readonly png: Buffer;
  /** The compiled vega spec (data inline), for the report's live view with tooltips. */
  readonly vegaSpec: object;
  /** Warnings vega-lite or vega raised while compiling and running the spec (none for a sound spec). */
  readonly warnings: readonly string[];
}

/** PNG pixels per SVG unit: twice the SVG size, sharp on high-density screens and in documents. */
export const PNG_SCALE = 2;

let fontFiles: string[] | undefined;

/** The shipped DejaVu Sans regular and bold files (bold for titles). */
function shippedFonts(): string[] {
  if (!fontFiles) {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontFiles = [join(dir, 'DejaVuSans.ttf'), join(dir, 'DejaVuSans-Bold.ttf')];
  }
  return fontFiles;
}

/** A vega logger that collects warnings into `warnings`. */
function collector(warnings: string[]) {
  return vegaLogger(Warn, undefined, (_method, _level, args) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  });
}

/**
 * Compiles and runs a vega-lite spec and returns its SVG and the compiled vega spec.
 * @param spec a vega-lite 6 spec with inline data
 * @param warnings receives every warning raised on the way
 * @returns the SVG document text and the vega spec it was drawn from
 * @throws the vega-lite or vega error when the spec cannot be compiled or run
 */
async function compileAndDraw(spec: TopLevelSpec, warnings: string[]): Promise<{ svg: string; vegaSpec: object }> {
  const collect = collector(warnings);
  const vegaSpec = compile(spec, { logger: collect }).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none', logger: collect });
  try {
    return { svg: await view.toSVG(), vegaSpec };
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises an SVG to PNG at {@link PNG_SCALE} with the shipped fonts, on a white background.
 * @param svg an SVG document
 * @returns the PNG bytes
 */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    font: {
      loadSystemFonts: true,
      fontFiles: shippedFonts(),
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}

/**
 * Renders a vega-lite spec to SVG and PNG.
 * @throws the vega-lite or vega error when the spec cannot be compiled or run
 */
export async function renderChart(spec: TopLevelSpec): Promise<RenderedChart> {
  const warnings: string[] = [];
  const { svg, vegaSpec } = await compileAndDraw(spec, warnings);
  return { svg, png: svgToPng(svg), vegaSpec, warnings };
}
