import cliProgress from 'cli-progress';
import type { RunHandle } from '../../runtime/pipeline.js';
import type { StderrPrinter } from './stderr-printer.js';

export interface ProgressOptions {
  /** Input rows in the whole input (a file, counted while the run goes); undefined while unknown or for a pipe. */
  total(): number | undefined;
  /** Input rows done by earlier legs of a resumed run. */
  before: number;
  everyMs?: number;
}

/** Rows per second over the last RATE_WINDOW_MS: the pace the rate limiter lets the run go at, not a lifetime mean. */
const RATE_WINDOW_MS = 10_000;

/**
 * A progress bar on stderr (cli-progress), only started when stderr is a terminal: rows done / total, rows per
 * second, the ETA at that pace, error rows and retries. Without a total (a pipe) it shows rows done and rows read.
 * The bar draws through the printer, so a log line wipes it first and it is drawn again on the next tick.
 */
export function startProgress(handle: RunHandle, printer: StderrPrinter, options: ProgressOptions): () => void {
  const samples: { at: number; done: number }[] = [];
  const bar = new cliProgress.SingleBar(
    {
      stream: printer.terminal() as unknown as NodeJS.WritableStream,
      fps: 1000 / (options.everyMs ?? 200),
      etaBuffer: 50,
      clearOnComplete: true,
      gracefulExit: false,
      format: (_options, params, payload: Record<string, string>) => {
        const known = payload.known === 'yes';
        const head = known ? `${cliProgress.Format.BarFormat(params.progress, _options)} ${params.value}/${params.total} rows · ETA ${eta(params.eta)}` : `${params.value} rows done · ${payload.read} read`;
        return `${head} · ${payload.rate} rows/s · error rows ${payload.errors} · retries ${payload.retries}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (): Record<string, string> => {
    const p = handle.progress();
    const done = options.before + p.rowsRead - p.pending;
    const now = performance.now();
    samples.push({ at: now, done });
    while (samples.length > 2 && (samples[0]?.at ?? now) < now - RATE_WINDOW_MS) samples.shift();
    const first = samples[0] ?? { at: now, done };
    const rate = now > first.at ? ((done - first.done) * 1000) / (now - first.at) : 0;
    return { known: options.total() === undefined ? 'no' : 'yes', read: String(options.before + p.rowsRead), rate: rate.toFixed(rate < 10 ? 1 : 0), errors: String(p.errorRows), retries: String(p.upstream.retries) };
  };
  const tick = (): void => {
    const p = handle.progress();
    const done = options.before + p.rowsRead - p.pending;
    const total = options.total();
    bar.setTotal(total ?? Math.max(done, 1));
    bar.update(done, payload());
  };
  bar.start(options.total() ?? 1, options.before, payload());
  const timer = setInterval(tick, options.everyMs ?? 200);
  timer.unref();
  return () => {
    clearInterval(timer);
    tick(); // the last frame shows where the run ended
    bar.stop();
    printer.clearProgress();
  };
}

function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
