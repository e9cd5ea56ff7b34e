import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Called with each warning Vega-Lite or Vega raises while drawing (a dropped channel, an empty domain). */
export type WarningHandler = (message: string) => void;

/** The logger type Vega's View takes, without importing vega-util (not one of our dependencies). */
type VegaLogger = NonNullable<NonNullable<ConstructorParameters<typeof View>[1]>['logger']>;

const WARN_LEVEL = 2;

/**
 * Routes Vega's warnings and errors to a handler instead of the console, so
 * `ferry report` prints nothing but the path and tests can insist on none.
 */
class HandlerLogger {
  private current = WARN_LEVEL;

  constructor(private readonly onWarning: WarningHandler) {}

  level(): number;
  level(value: number): this;
  level(value?: number): number | this {
    if (value === undefined) return this.current;
    this.current = value;
    return this;
  }

  error(...args: readonly unknown[]): this {
    this.onWarning(`error: ${args.map(String).join(' ')}`);
    return this;
  }

  warn(...args: readonly unknown[]): this {
    if (this.current >= WARN_LEVEL) this.onWarning(args.map(String).join(' '));
    return this;
  }

  info(): this {
    return this;
  }

  debug(): this {
    return this;
  }
}

export interface VegaSvgOptions {
  /** Prefixes the SVG's element ids (Vega's clip paths), so charts on one page never share one. */
  idPrefix: string;
  onWarning?: WarningHandler;
}

/**
 * A Vega-Lite chart as a standalone SVG string, drawn in this process: the
 * spec is compiled to Vega, run headless (renderer 'none': no canvas, no
 * DOM) and serialised. The data must be inline (`data.values`): nothing is
 * loaded, so the page that embeds the SVG needs no network and no script.
 */
export async function renderVegaLiteSvg(
  spec: TopLevelSpec,
  { idPrefix, onWarning = () => undefined }: VegaSvgOptions,
): Promise<string> {
  const logger: VegaLogger = new HandlerLogger(onWarning);
  const vegaSpec = compile(spec, { logger }).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none', logger });
  try {
    return scopeIds(await view.toSVG(), idPrefix);
  } finally {
    // Frees the dataflow's timers and listeners; a CLI run would otherwise linger.
    view.finalize();
  }
}

/**
 * Vega numbers clip paths from a counter global to the process ("clip31"),
 * so the same report would render differently the second time, and two SVGs
 * could hold the same id. Renamed per chart, ids are stable and unique.
 */
function scopeIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1]));
  return svg.replace(/(\bid="|url\(#|href="#)([^"')]+)/g, (whole, lead: string, id: string) =>
    ids.has(id) ? `${lead}${prefix}-${id}` : whole,
  );
}
