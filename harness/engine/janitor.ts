/**
 * Removes what a run created (containers, images, temp dirs), in reverse order of creation,
 * when the run ends, fails, times out or is interrupted. testcontainers' reaper cannot be
 * pulled on every machine, so lessonproof cleans up itself.
 */
export class Janitor {
  private readonly tasks: { what: string; run: () => Promise<unknown> }[] = []
  private cleaning: Promise<string[]> | undefined

  /** Set once cleaning has begun: nothing new should be started after it. */
  get closing(): boolean {
    return this.cleaning !== undefined
  }

  add(what: string, run: () => Promise<unknown>): void {
    this.tasks.push({ what, run })
  }

  /** Runs every task once, newest first; returns what could not be cleaned. */
  async clean(): Promise<string[]> {
    this.cleaning ??= (async () => {
      const failed: string[] = []
      while (this.tasks.length > 0) {
        const task = this.tasks.pop()
        if (!task) break
        try {
          await task.run()
        } catch {
          failed.push(task.what)
        }
      }
      this.cleaning = undefined
      return failed
    })()
    return this.cleaning
  }

  /**
   * Cleans up on SIGINT/SIGTERM, then exits 130/143. Returns a function that removes the
   * handlers (for the end of a normal run).
   */
  onSignals(exit: (code: number) => void = (code) => process.exit(code)): () => void {
    const handler = (signal: NodeJS.Signals) => {
      process.stderr.write(`\nlessonproof: ${signal}, removing what this run created…\n`)
      void this.clean().finally(() => exit(signal === 'SIGINT' ? 130 : 143))
    }
    process.once('SIGINT', handler)
    process.once('SIGTERM', handler)
    return () => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    }
  }
}
