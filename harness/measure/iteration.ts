import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Engine, Janitor } from '../engine/index.js'
import type { IterationFacts } from '../model/index.js'
import { type IterationPlan, planKey } from '../plan/index.js'
import type { EngineOptions } from '../settings/index.js'
import { basesOf } from './bases.js'
import type { ResultCache } from './cache.js'
import { CACHE_FORMAT } from './cache.js'
import { writeContext } from './context.js'
import { exercise } from './routes.js'

/** What measuring needs: the engine, the janitor, the run's options and limits, a progress log. */
export interface MeasureDeps {
  engine: Engine
  janitor: Janitor
  options: EngineOptions
  /** Iterations built at once. */
  concurrency: number
  /** Memory (bytes) and CPU limits of each app container. */
  memoryBytes: number
  cpus: number
  cache: ResultCache
  /** Progress lines for the person waiting. */
  log: (line: string) => void
}

function tail(log: string, lines = 15): string {
  return log.split('\n').slice(-lines).join('\n')
}

/** Builds, measures and runs one iteration, or says why it could not; reuses an earlier run's result. */
export async function measureIteration(plan: IterationPlan, deps: MeasureDeps): Promise<IterationFacts> {
  const { engine, options } = deps
  const blocked: string[] = []
  const baseIds: string[] = []
  for (const ref of plan.baseImages) {
    const found = await engine.ensureImage(ref, options.pull)
    if ('id' in found) baseIds.push(found.id)
    else
      blocked.push(
        `base image ${ref} is not available to this engine and cannot be pulled (${found.missing}); map it with --image-map ${ref}=IMAGE`,
      )
  }
  if (plan.blocked) blocked.push(plan.blocked)
  if (blocked.length > 0) return { status: 'blocked', reason: blocked.join('; '), notes: plan.notes }
  // A walked build's image is used by the steps after it: it is built, never taken from the cache.
  if (plan.contextDir) return buildAndRun(plan, deps)

  const key = createHash('sha256')
    .update(`${CACHE_FORMAT}\0${planKey(plan, baseIds)}`)
    .digest('hex')
  const bases = await basesOf(engine, plan.baseImages)
  const cached = await deps.cache.read(key)
  if (cached) {
    deps.log(
      `${plan.document}: ${plan.iteration.tag} unchanged since an earlier run, reusing its measurements`,
    )
    return { ...cached, cached: true, ...bases }
  }
  const facts = await buildAndRun(plan, deps)
  await deps.cache.write(key, facts)
  return { ...facts, ...bases }
}

async function buildAndRun(plan: IterationPlan, deps: MeasureDeps): Promise<IterationFacts> {
  const { engine, janitor, options } = deps
  const it = plan.iteration
  const context = await writeContext(plan.files, janitor, options.runId, plan.contextDir)
  deps.log(`${plan.document}: building ${it.tag} from ${it.dockerfile}`)
  const build = await engine.build({
    contextDir: context,
    dockerfile: plan.dockerfile,
    tag: plan.buildTag,
    timeoutMs: plan.buildTimeoutMs,
  })
  await rm(context, { recursive: true, force: true })
  const facts: IterationFacts = { status: 'measured', buildLog: build.log, notes: plan.notes }
  if (!build.ok) {
    // The engine's one-line error and apt's "E:" lines first, then the end of the log.
    const errors = build.log.split('\n').filter((l) => /^(E|ERROR|error):/.test(l.trim()))
    const why = [build.error, ...errors].filter(Boolean).join('; ')
    return {
      ...facts,
      status: 'build-failed',
      reason: `${it.dockerfile} did not build: ${why}\nlast lines of the build log:\n${tail(build.log)}`,
    }
  }
  // Inspecting the image and looking inside it go on together.
  const [image, found] = await Promise.all([
    engine.inspect(plan.buildTag),
    plan.paths.length > 0 ? engine.pathsExist(plan.buildTag, plan.paths) : undefined,
  ])
  facts.image = image
  if (found) facts.paths = found

  const volumeDir = plan.volume
    ? await mkdtemp(join(tmpdir(), `lessonproof-${options.runId}-volume-`))
    : undefined
  if (volumeDir) janitor.add(`temp dir ${volumeDir}`, () => rm(volumeDir, { recursive: true, force: true }))
  try {
    deps.log(`${plan.document}: running ${it.tag}, waiting for ${plan.healthPath}`)
    const running = await engine.run({
      image: plan.buildTag,
      port: plan.port,
      healthPath: plan.healthPath,
      healthTimeoutMs: plan.healthTimeoutMs,
      memoryBytes: deps.memoryBytes,
      cpus: deps.cpus,
      ...(volumeDir && plan.volume ? { volume: { hostDir: volumeDir, containerPath: plan.volume } } : {}),
    })
    try {
      const response = await fetch(`${running.baseUrl}${plan.healthPath}`, {
        signal: AbortSignal.timeout(5_000),
      })
      const text = await response.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // Not JSON: compared as text.
      }
      facts.health = { status: response.status, body }
      if (plan.routes.length > 0) facts.routes = await exercise(running.baseUrl, plan.app, plan.routes)
    } finally {
      await running.stop()
    }
  } catch (error) {
    facts.status = 'run-failed'
    facts.reason = `${it.tag} never answered ${plan.healthPath} within ${Math.round(plan.healthTimeoutMs / 1000)} s: ${(error as Error).message}`
  } finally {
    if (volumeDir) await rm(volumeDir, { recursive: true, force: true })
  }
  return facts
}
