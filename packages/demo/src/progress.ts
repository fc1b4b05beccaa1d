import type { TrainCallbacks } from "@tapegrad/train";

/** Where progress goes: a terminal (redrawn in place) or a log (one line now and then). */
export interface Sink {
  write(text: string): void;
  readonly isTTY?: boolean;
}

const BAR_WIDTH = 24;
/** Redraw a terminal bar at most this often, so drawing never costs more than training. */
const REDRAW_MS = 80;

const rate = (items: number, ms: number): string => `${Math.round((items * 1000) / Math.max(ms, 1))} items/s`;

/**
 * Callbacks for `train` that show a task's progress: on a terminal a bar redrawn in place with the epoch,
 * the running loss and the rate; elsewhere (CI logs) a plain line after the first epoch, every fifth of
 * the run and the last, so a log stays short.
 * @example
 * ```ts
 * train(model, data, { ...options, callbacks: progress(process.stdout, "moons", 40) });
 * ```
 */
export function progress(sink: Sink, label: string, epochs: number, now: () => number = performance.now.bind(performance)): TrainCallbacks {
  const start = now();
  let items = 0;
  let epochItems = 0;
  let epochLoss = 0;
  let drawn = -Infinity;
  const every = Math.max(1, Math.ceil(epochs / 5));
  const line = (epoch: number, loss: number): string =>
    `${label}  epoch ${String(epoch).padStart(String(epochs).length)}/${epochs}  loss ${loss.toFixed(4)}  ${rate(items, now() - start)}`;
  return {
    onBatchEnd: ({ epoch, batch, batches, size, loss }) => {
      items += size;
      epochItems += size;
      epochLoss += loss * size;
      if (sink.isTTY !== true || now() - drawn < REDRAW_MS) return;
      drawn = now();
      const done = Math.round((BAR_WIDTH * (epoch - 1 + batch / batches)) / epochs);
      sink.write(`\r[${"#".repeat(done)}${".".repeat(BAR_WIDTH - done)}] ${line(epoch, epochLoss / epochItems)}\x1b[K`);
    },
    onEpochEnd: ({ epoch, loss }) => {
      epochItems = 0;
      epochLoss = 0;
      if (sink.isTTY === true) {
        if (epoch === epochs) sink.write(`\r[${"#".repeat(BAR_WIDTH)}] ${line(epoch, loss)}\x1b[K\n`);
      } else if (epoch === 1 || epoch % every === 0 || epoch === epochs) {
        sink.write(`${line(epoch, loss)}\n`);
      }
    },
  };
}
