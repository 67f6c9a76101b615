/**
 * Progress from the engine's log lines (`PATH: building TAG from FILE`, `PATH: TAG unchanged…`)
 * until the engine emits progress events itself: the only seam between the two is here.
 */
import type { RunPlan } from '../plan/index.js'
import type { Progress } from '../report/index.js'

type Measure<T> = (plan: RunPlan) => Promise<T>

export function engineProgress(progress: Progress) {
  const docs = new Map<string, { total: number; seen: number }>()
  return {
    /** Wraps a family's measurement: registers the documents its plan builds. */
    measure:
      <T>(measure: Measure<T>): Measure<T> =>
      (plan) => {
        const totals = new Map<string, number>()
        for (const it of plan.iterations) totals.set(it.document, (totals.get(it.document) ?? 0) + 1)
        for (const [path, total] of totals) if (!docs.has(path)) docs.set(path, { total, seen: 0 })
        return measure(plan)
      },
    /** Takes one engine log line. */
    log: (line: string) => {
      for (const [path, doc] of docs) {
        if (!line.startsWith(`${path}: `)) continue
        const rest = line.slice(path.length + 2)
        const built = /^building (\S+) from /.exec(rest)
        const reused = /^(\S+) unchanged since an earlier run/.exec(rest)
        const tag = built?.[1] ?? reused?.[1]
        if (!tag) break
        if (doc.seen === 0) progress({ type: 'document', path, iterations: doc.total })
        doc.seen++
        progress({ type: 'iteration', path, tag, index: doc.seen, total: doc.total, reused: !built })
        return
      }
      progress({ type: 'note', text: line })
    },
  }
}
