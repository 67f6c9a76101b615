/**
 * Removes what a run created (containers, images, temp dirs), in reverse order of creation,
 * when the run ends, fails, times out or is interrupted. testcontainers' reaper cannot be
 * pulled on every machine, so lessonproof cleans up itself. It installs no signal handler: the
 * command line does, once, and calls `clean`.
 */
export class Janitor {
  private readonly tasks: { what: string | (() => string); run: () => Promise<unknown> }[] = []
  private cleaning: Promise<string[]> | undefined
  private closed = false

  /** Set once cleaning has begun, and it stays set: nothing new should be started after it. */
  get closing(): boolean {
    return this.closed
  }

  /**
   * Registers a clean-up task; `what` names it in the list of what could not be removed (with the
   * command that removes it), or a function that says it once it is known (an id given by the
   * engine later). Returns a function that drops the task once it is done otherwise.
   */
  add(what: string | (() => string), run: () => Promise<unknown>): () => void {
    const task = { what, run }
    this.tasks.push(task)
    return () => {
      const at = this.tasks.indexOf(task)
      if (at !== -1) this.tasks.splice(at, 1)
    }
  }

  /** Runs every task once, newest first; returns what could not be cleaned. */
  async clean(): Promise<string[]> {
    this.closed = true
    this.cleaning ??= (async () => {
      const failed: string[] = []
      while (this.tasks.length > 0) {
        const task = this.tasks.pop()
        if (!task) break
        try {
          await task.run()
        } catch (error) {
          // A task may say better what is left (the images it could not remove, and how).
          const said = (error as Error).message
          failed.push(
            said.includes('docker ') ? said : typeof task.what === 'string' ? task.what : task.what(),
          )
        }
      }
      this.cleaning = undefined
      return failed
    })()
    return this.cleaning
  }
}
