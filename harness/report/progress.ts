/**
 * Progress of a run for the person waiting: which iteration is building and how many are left.
 * On a terminal one status line is redrawn in place; elsewhere (a pipe, a CI log) every event is
 * a plain line, since a log keeps every carriage-return redraw as noise.
 */

/** What a run reports as it goes; the engine's stages can emit these directly. */
export type ProgressEvent =
  /** The documents the run will build, with their iteration counts, when known ahead. */
  | { type: 'plan'; documents: { path: string; iterations: number }[] }
  /** A document's builds start. */
  | { type: 'document'; path: string; iterations: number }
  /** Iteration `index` (1-based) of the document's `total` starts building, or is reused. */
  | { type: 'iteration'; path: string; tag: string; index: number; total: number; reused?: boolean }
  /** Any other line for the person waiting (a build log tail, a run starting). */
  | { type: 'note'; text: string }
  /** The builds are over. */
  | { type: 'done' }

export interface ProgressOptions {
  /** Writes to the terminal or log, as is (no newline added). */
  write: (text: string) => void
  /** Redraw one status line in place (stderr is a terminal and not in CI). */
  live: boolean
  /** Terminal width, to keep the status line on one row. @default 100 */
  columns?: number
}

export type Progress = (event: ProgressEvent) => void

const CLEAR = '\r\x1b[2K'

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

export function createProgress(options: ProgressOptions): Progress {
  const planned = new Map<string, number>()
  let total = 0
  let started = 0
  let status = ''
  const columns = Math.max(20, options.columns ?? 100)

  const line = (text: string) => {
    if (options.live) options.write(`${CLEAR}${text}\n${status}`)
    else options.write(`${text}\n`)
  }
  const show = (text: string) => {
    if (!options.live) return line(text)
    status = text.length > columns - 1 ? `${text.slice(0, columns - 2)}…` : text
    options.write(`${CLEAR}${status}`)
  }

  return (event) => {
    switch (event.type) {
      case 'plan':
        for (const doc of event.documents) planned.set(doc.path, doc.iterations)
        total = [...planned.values()].reduce((a, b) => a + b, 0)
        return line(
          `lessonproof: ${count(total, 'iteration')} to build in ${count(event.documents.length, 'document')}`,
        )
      case 'document':
        // A document read for context only (a changed card's lesson) was not in the plan.
        if (!planned.has(event.path)) {
          planned.set(event.path, event.iterations)
          total += event.iterations
        }
        return line(`lessonproof: ${event.path}: ${count(event.iterations, 'iteration')}`)
      case 'iteration': {
        started++
        total = Math.max(total, started)
        const verb = event.reused ? 'reusing' : 'building'
        const left = total - started
        // `PATH: building TAG` as the engine's own log says it, then where the run stands.
        return show(
          `${event.path}: ${verb} ${event.tag} (${event.index}/${event.total} of the document; ${started}/${total} of the run, ${left} left)`,
        )
      }
      case 'note':
        return line(event.text)
      case 'done':
        if (options.live && status !== '') options.write(CLEAR)
        status = ''
        return line(`lessonproof: ${started} of ${total} iterations built or reused`)
    }
  }
}
