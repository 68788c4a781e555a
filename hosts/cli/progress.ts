import type { RunHandle } from '../../runtime/pipeline.js';
import type { StderrPrinter } from './stderr-printer.js';

/** A progress line on stderr, redrawn every `everyMs` while the run goes; only started when stderr is a terminal. */
export function startProgress(handle: RunHandle, printer: StderrPrinter, everyMs = 200): () => void {
  const started = performance.now();
  const draw = (): void => {
    const p = handle.progress();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const waits = p.upstream.rateLimitWaitMs > 0 ? ` · rate-limit wait ${(p.upstream.rateLimitWaitMs / 1000).toFixed(1)} s` : '';
    printer.progress(`rows read ${p.rowsRead} · emitted ${p.rowsEmitted} · error rows ${p.errorRows} · pending ${p.pending} · retries ${p.upstream.retries}${waits} · ${seconds} s`);
  };
  const timer = setInterval(draw, everyMs);
  timer.unref();
  draw();
  return () => {
    clearInterval(timer);
    printer.clearProgress();
  };
}
