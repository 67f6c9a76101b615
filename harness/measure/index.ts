/** Stage 4b: plan → measurements. Builds, measures and runs iterations through an Engine. */
import type { Measurements } from '../checks/index.js'
import type { Claim, Document } from '../model/index.js'
import { EngineMeasurements } from './checks.js'
import { type IterationResult, type MeasureDeps, measureDocument } from './run.js'

export { EngineMeasurements, normalizeCreatedBy } from './checks.js'
export { exercise, requestBody } from './endpoints.js'
export type { IterationResult, MeasureDeps } from './run.js'

/** Measures every document that builds iterations, and the base images claims name. */
export async function measureAll(
  entries: { doc: Document; claims: Claim[] }[],
  deps: MeasureDeps,
): Promise<Measurements & { results: Map<string, Map<string, IterationResult>> }> {
  const results = new Map<string, Map<string, IterationResult>>()
  for (const { doc, claims } of entries) {
    if (doc.iterations.length === 0) continue
    results.set(doc.path, await measureDocument(doc, claims, deps))
  }
  const bases = new Map<string, { size: number } | { missing: string }>()
  for (const { claims } of entries) {
    for (const claim of claims) {
      if (claim.kind !== 'base-image-size' || bases.has(claim.baseImage) || claim.baseImage === 'scratch')
        continue
      const ref = deps.settings.imageMap[claim.baseImage] ?? claim.baseImage
      const found = await deps.engine.ensureImage(ref, deps.settings.pull)
      bases.set(claim.baseImage, 'id' in found ? { size: (await deps.engine.inspect(ref)).size } : found)
    }
  }
  const measurements = new EngineMeasurements(results, bases)
  return Object.assign(measurements, { results })
}
