/** Stage 4: plan → facts. Builds, measures and runs iterations through an Engine; returns plain data. */
import type { RunFacts } from '../model/index.js'
import type { RunPlan } from '../plan/index.js'
import { type MeasureDeps, measureIteration } from './iteration.js'

export { CACHE_FORMAT, ResultCache } from './cache.js'
export type { MeasureDeps } from './iteration.js'
export { exercise, requestBody } from './routes.js'

/** Runs `work` over `items`, at most `limit` at once, keeping their order. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** Measures every iteration of a run, independent ones at once, and the base images claims name. */
export async function measureRun(plan: RunPlan, deps: MeasureDeps): Promise<RunFacts> {
  const facts: RunFacts = { iterations: {}, baseImages: {} }
  const results = await pool(plan.iterations, deps.concurrency, (it) =>
    measureIteration(it, deps).catch((error: Error) => ({
      status: 'run-failed' as const,
      reason: error.message,
      notes: [],
    })),
  )
  plan.iterations.forEach((it, i) => {
    const doc = facts.iterations[it.document] ?? {}
    doc[it.key] = results[i] ?? { status: 'run-failed', reason: 'not measured', notes: [] }
    facts.iterations[it.document] = doc
  })
  for (const { ref, measureAs } of plan.baseImages) {
    const found = await deps.engine.ensureImage(measureAs, deps.options.pull)
    facts.baseImages[ref] =
      'id' in found ? { id: found.id, size: (await deps.engine.inspect(measureAs)).size } : found
  }
  return facts
}
