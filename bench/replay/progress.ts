/**
 * A one-line progress bar on stderr for long replays. It redraws at most every `minIntervalMs` of
 * wall time (the replay reports far more often than a terminal can show) and only on a terminal:
 * the command builds it only when stderr is a TTY, so logs and pipes stay clean.
 */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly now: () => number = () => performance.now(),
    private readonly width = 30,
    private readonly minIntervalMs = 100,
  ) {}

  /** Shows `label` at `fraction` (0..1) done. */
  update(label: string, fraction: number): void {
    const t = this.now();
    if (t - this.lastDraw < this.minIntervalMs && fraction < 1) return;
    this.lastDraw = t;
    const f = Math.min(1, Math.max(0, fraction));
    const full = Math.round(f * this.width);
    const bar = `${'#'.repeat(full)}${'.'.repeat(this.width - full)}`;
    this.out.write(`\r\x1b[K[${bar}] ${(f * 100).toFixed(0).padStart(3)}% ${label}`);
    this.drawn = true;
  }

  /** Erases the bar so the table prints on a clean line. */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
    this.lastDraw = -Infinity;
  }
}
