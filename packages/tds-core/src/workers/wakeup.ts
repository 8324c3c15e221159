/** Sleeps that end early when new work is announced. */
export class Wakeup {
  #waiters = new Set<() => void>();
  #generation = 0;

  /** Increases on every wakeAll(); a caller that saw it change since its last claim need not sleep. */
  get generation(): number {
    return this.#generation;
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  wakeAll(): void {
    this.#generation++;
    for (const waiter of [...this.#waiters]) waiter();
  }
}
