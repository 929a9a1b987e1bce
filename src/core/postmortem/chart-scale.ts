/** Axis ticks for the postmortem chart: round times (m:ss) and round memory sizes (powers of two). */

const TIME_STEPS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 43_200, 86_400];
const MiB = 1024 ** 2;

export interface Scale {
  /** Distance between ticks. */
  step: number;
  /** The axis' end: a whole number of steps at or past the data. */
  max: number;
  ticks: number[];
}

function scale(max: number, step: number): Scale {
  const end = Math.max(step, Math.ceil(max / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let tick = 0; tick <= end + 1e-9; tick += step) ticks.push(tick);
  return { step, max: end, ticks };
}

/** Seconds from 0 to at least `end`, with at most `maxTicks` intervals. */
export function timeScale(end: number, maxTicks = 8): Scale {
  const step = TIME_STEPS.find((candidate) => end / candidate <= maxTicks) ?? Math.ceil(end / maxTicks / 86_400) * 86_400;
  return scale(end, step);
}

/** Bytes from 0 to a little above `max` (a line at the top would touch the frame), with at most `maxTicks` intervals. */
export function byteScale(max: number, maxTicks = 5): Scale {
  let step = MiB;
  // Below 1 MiB (a limit in Ki, or a tiny sample) halve down to 1 KiB; above, double.
  while (step > 1024 && max * 1.1 / (step / 2) <= maxTicks) step /= 2;
  while (max * 1.1 / step > maxTicks) step *= 2;
  return scale(max * 1.1, step);
}
