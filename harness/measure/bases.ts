/**
 * The base images an iteration is built on, as the engine has them: ID, size, layer count, the
 * registry digests it knows them by and their platform. Plain facts for a baseline; a base the
 * engine cannot describe is left out rather than failing the iteration.
 */
import type { Engine } from '../engine/index.js'
import type { BaseUsedFacts } from '../model/index.js'

export async function basesOf(engine: Engine, refs: string[]): Promise<{ bases?: BaseUsedFacts[] }> {
  if (refs.length === 0) return {}
  const bases: BaseUsedFacts[] = []
  for (const ref of refs) {
    try {
      const image = await engine.inspect(ref)
      bases.push({
        ref,
        id: image.id,
        size: image.size,
        layers: image.layers.length,
        repoDigests: image.repoDigests ?? [],
        ...(image.platform ? { platform: image.platform } : {}),
      })
    } catch {
      // Described when it can be; the iteration is measured either way.
    }
  }
  return { bases }
}
