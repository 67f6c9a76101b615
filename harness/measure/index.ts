/** Stage 4: plan → facts. Builds, measures and runs iterations through an Engine; returns plain data. */
import { EngineError } from '../errors.js'
import type { IterationFacts, RunFacts } from '../model/index.js'
import type { RunPlan } from '../plan/index.js'
import { type MeasureDeps, measureIteration, type Turn } from './iteration.js'
import { BuildGate, pool, Signal } from './schedule.js'

export { CACHE_FORMAT, ResultCache } from './cache.js'
export type { MeasureDeps } from './iteration.js'
export { exercise, requestBody } from './routes.js'
export { BuildGate, pool } from './schedule.js'

/**
 * Measures every iteration of a run, independent ones at once (see schedule.ts for the order),
 * and the base images claims name. An engine that stops answering ends the run (EngineError);
 * anything else is one iteration's failure.
 */
export async function measureRun(plan: RunPlan, deps: MeasureDeps): Promise<RunFacts> {
  const facts: RunFacts = { iterations: {}, baseImages: {} }
  const gate = new BuildGate()
  const turns = new Map<string, Turn>()
  const results = new Map<string, Promise<IterationFacts>>()
  const settles = new Map<string, (facts: IterationFacts) => void>()
  const id = (document: string, key: string) => `${document}\0${key}`
  let builds = 0
  const capped = new Set<number>()
  plan.iterations.forEach((it, i) => {
    if (it.blocked) return
    if (deps.maxBuilds !== undefined && ++builds > deps.maxBuilds) capped.add(i)
  })
  if (capped.size > 0)
    deps.log(
      `lessonproof: this run has ${builds} builds; it makes the first ${deps.maxBuilds} and blocks the rest (--max-builds)`,
    )
  for (const it of plan.iterations) {
    const earlier = plan.iterations
      .filter((o) => o.document === it.document && Number(o.key) < Number(it.key))
      .map((o) => turns.get(id(o.document, o.key))?.built.promise ?? Promise.resolve())
    const turn: Turn = { gate, earlier, built: new Signal() }
    const original = it.rebuildOf === undefined ? undefined : results.get(id(it.document, it.rebuildOf))
    if (original) turn.original = original
    turns.set(id(it.document, it.key), turn)
    results.set(
      id(it.document, it.key),
      new Promise((resolve) => settles.set(id(it.document, it.key), resolve)),
    )
  }
  const measured = await pool(
    plan.iterations,
    deps.concurrency,
    async (it, i) => {
      const turn = turns.get(id(it.document, it.key)) as Turn
      let result: IterationFacts
      if (capped.has(i)) {
        turn.built.done()
        result = {
          status: 'blocked',
          reason: `the run's cap of ${deps.maxBuilds} builds was reached (--max-builds)`,
          notes: it.notes,
        }
      } else {
        try {
          result = await measureIteration(it, deps, turn)
        } catch (error) {
          if (error instanceof EngineError) {
            // Nothing waits for a build that will not come.
            for (const t of turns.values()) t.built.done()
            for (const settle of settles.values())
              settle({ status: 'run-failed', reason: error.message, notes: [] })
            throw error
          }
          result = { status: 'run-failed', reason: (error as Error).message, notes: [] }
        }
      }
      settles.get(id(it.document, it.key))?.(result)
      return result
    },
    (error) => error instanceof EngineError,
  )
  plan.iterations.forEach((it, i) => {
    const doc = facts.iterations[it.document] ?? {}
    doc[it.key] = measured[i] ?? { status: 'run-failed', reason: 'not measured', notes: [] }
    facts.iterations[it.document] = doc
  })
  for (const { ref, measureAs } of plan.baseImages) {
    const found = await deps.engine.ensureImage(measureAs, deps.options.pull)
    facts.baseImages[ref] =
      'id' in found ? { id: found.id, size: (await deps.engine.inspect(measureAs)).size } : found
  }
  return facts
}
