/**
 * When each iteration may build. Independent builds share the engine, up to the run's
 * concurrency; a build whose log a claim holds against the lesson's goes alone, after its
 * document's earlier builds, because the engine shares identical steps between builds running
 * at once and may show them under another build's label — and because the lesson's log (its
 * CACHED steps) is the log of a build made after the ones before it. A rebuild waits for the
 * build it repeats.
 */

/** A lock with shared and exclusive holders; a waiting exclusive holder goes before later shared ones. */
export class BuildGate {
  private shared = 0
  private exclusive = false
  private readonly waiting: { exclusive: boolean; go: () => void }[] = []

  /** Waits for a turn; the returned function ends it. */
  async acquire(exclusive: boolean): Promise<() => void> {
    if (this.waiting.length === 0 && this.free(exclusive)) this.take(exclusive)
    else await new Promise<void>((go) => this.waiting.push({ exclusive, go: () => go() }))
    let released = false
    return () => {
      if (released) return
      released = true
      if (exclusive) this.exclusive = false
      else this.shared--
      this.wake()
    }
  }

  private free(exclusive: boolean): boolean {
    return exclusive ? !this.exclusive && this.shared === 0 : !this.exclusive
  }

  private take(exclusive: boolean): void {
    if (exclusive) this.exclusive = true
    else this.shared++
  }

  private wake(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0]
      if (!next || !this.free(next.exclusive)) return
      this.waiting.shift()
      this.take(next.exclusive)
      next.go()
    }
  }
}

/** A promise settled from outside: "this iteration has been built (or will not be)". */
export class Signal {
  readonly promise: Promise<void>
  private settle: () => void = () => {}

  constructor() {
    this.promise = new Promise((resolve) => {
      this.settle = resolve
    })
  }

  done(): void {
    this.settle()
  }
}

/**
 * Runs `work` over `items`, at most `limit` at once, taken in order (so an item waiting for
 * earlier ones never waits for one not yet started), keeping their order. The first error that
 * `fatal` says ends the run stops new work and is thrown once the started work has ended.
 */
export async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  fatal: (error: unknown) => boolean = () => true,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++
      try {
        results[i] = await work(items[i] as T, i)
      } catch (error) {
        if (fatal(error)) failure ??= { error }
        else throw error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failure) throw failure.error
  return results
}
