/**
 * Progress of a long call, asked for every so often by a command-line script. One question at a
 * time: a slow server is not asked again before it answered. `stop` asks nothing more and waits
 * for the question still out, so the script closes its connection only once no call is left on
 * it: the Temporal client retries a failed call from a timer, and a retry that finds its channel
 * closed throws from that timer and kills the process. A question that fails, before or after the
 * result is in, costs nothing but that progress line.
 */
export class ProgressPoller<T> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private outstanding: Promise<void> = Promise.resolve();
  private stopped = false;

  /**
   * @param ask one question; give it a deadline so that `stop` waits at most that long
   * @param show what to do with an answer that came before `stop`
   */
  constructor(
    private readonly ask: () => Promise<T>,
    private readonly show: (progress: T) => void,
    private readonly everyMs: number,
  ) {}

  start(): this {
    this.schedule();
    return this;
  }

  /** Asks nothing more; resolves once the question still out has settled, whatever its outcome. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.outstanding;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.outstanding = this.ask()
        .then((progress) => (this.stopped ? undefined : this.show(progress)))
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.everyMs);
  }
}
