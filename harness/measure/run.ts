import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { contentsTarget } from '../checks/index.js'
import { binaryPaths, type Engine, type ImageFacts, type Janitor } from '../engine/index.js'
import type { Claim, ClaimOf, Document, Iteration } from '../model/index.js'
import { type BuildPlan, contextHash, type EngineSettings, planIteration } from '../plan/index.js'
import { type EndpointResult, exercise } from './endpoints.js'

/** Bumped whenever what a cached result holds, or how it is measured, changes. */
const CACHE_FORMAT = 'lessonproof-results-2'

/** Everything measured of one iteration, or why it could not be. */
export interface IterationResult {
  status: 'measured' | 'build-failed' | 'run-failed' | 'blocked'
  reason?: string
  buildLog?: string
  image?: ImageFacts
  /** Status and JSON body of GET /health. */
  health?: { status: number; body: unknown }
  endpoints?: EndpointResult[]
  /** Paths looked for in the image, and whether each exists. */
  paths?: Record<string, boolean>
  notes: string[]
  /** Reused from an earlier run with the same build context and base images. */
  cached?: boolean
}

/** Paths to look for: every item a contents claim about the iteration names. */
function pathsFor(claims: Claim[], it: Iteration): string[] {
  const paths = new Set<string>()
  for (const c of claims) {
    if (c.kind !== 'contents' || c.image !== it.tag) continue
    const target = contentsTarget(c.item)
    if (!target) continue
    for (const p of target.kind === 'binary' ? binaryPaths(target.name) : [target.name]) paths.add(p)
  }
  return [...paths].sort()
}

function tail(log: string, lines = 15): string {
  return log.split('\n').slice(-lines).join('\n')
}

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

export interface MeasureDeps {
  engine: Engine
  janitor: Janitor
  settings: EngineSettings
  /** Progress lines for the person waiting. */
  log: (line: string) => void
}

/** Builds, measures and runs every iteration of a document; independent iterations build at once. */
export async function measureDocument(
  doc: Document,
  claims: Claim[],
  deps: MeasureDeps,
): Promise<Map<string, IterationResult>> {
  const healthTimeoutMs =
    (doc.frontmatter?.data.lessonproof?.health_timeout_s ?? 0) * 1000 || deps.settings.healthTimeoutMs
  const results = await pool(doc.iterations, deps.settings.concurrency, (it) =>
    measureIteration(doc, it, claims, deps, healthTimeoutMs).catch(
      (error: Error): IterationResult => ({
        status: 'run-failed',
        reason: error.message,
        notes: [],
      }),
    ),
  )
  return new Map(doc.iterations.map((it, i) => [it.tag, results[i] as IterationResult]))
}

async function measureIteration(
  doc: Document,
  it: Iteration,
  claims: Claim[],
  deps: MeasureDeps,
  healthTimeoutMs: number,
): Promise<IterationResult> {
  const { engine, settings } = deps
  const plan = planIteration(doc, it, settings)
  const blocked: string[] = []
  const baseIds: string[] = []
  for (const ref of plan.baseImages) {
    const found = await engine.ensureImage(ref, settings.pull)
    if ('id' in found) baseIds.push(found.id)
    else
      blocked.push(
        `base image ${ref} is not available to this engine and cannot be pulled (${found.missing}); map it with --image-map ${ref}=IMAGE`,
      )
  }
  if (plan.blocked) blocked.push(plan.blocked)
  if (blocked.length > 0) return { status: 'blocked', reason: blocked.join('; '), notes: plan.notes }

  const paths = pathsFor(claims, it)
  const key = createHash('sha256')
    .update(`${CACHE_FORMAT}\0`)
    .update(`${contextHash(plan, baseIds)}\0${paths.join('\0')}\0${healthTimeoutMs}`)
    .digest('hex')
  const cached = await readCache(settings, key)
  if (cached) {
    deps.log(`${doc.path}: ${it.tag} unchanged since an earlier run, reusing its measurements`)
    return { ...cached, cached: true }
  }

  const result = await buildAndRun(doc, it, plan, claims, paths, deps, healthTimeoutMs)
  await writeCache(settings, key, result)
  return result
}

async function buildAndRun(
  doc: Document,
  it: Iteration,
  plan: BuildPlan,
  claims: Claim[],
  paths: string[],
  deps: MeasureDeps,
  healthTimeoutMs: number,
): Promise<IterationResult> {
  const { engine, janitor, settings } = deps
  const context = await mkdtemp(join(tmpdir(), 'lessonproof-context-'))
  janitor.add(`temp dir ${context}`, () => rm(context, { recursive: true, force: true }))
  for (const [name, content] of Object.entries(plan.files)) {
    await mkdir(dirname(join(context, name)), { recursive: true })
    await writeFile(join(context, name), content)
  }
  deps.log(`${doc.path}: building ${it.tag} from ${it.dockerfile}`)
  const build = await engine.build({
    contextDir: context,
    dockerfile: plan.dockerfile,
    tag: plan.buildTag,
    timeoutMs: settings.buildTimeoutMs,
  })
  await rm(context, { recursive: true, force: true })
  const result: IterationResult = {
    status: 'measured',
    buildLog: build.log,
    notes: plan.notes,
  }
  if (!build.ok) {
    // The engine's one-line error and apt's "E:" lines first, then the end of the log.
    const errors = build.log.split('\n').filter((l) => /^(E|ERROR|error):/.test(l.trim()))
    const why = [build.error, ...errors].filter(Boolean).join('; ')
    return {
      ...result,
      status: 'build-failed',
      reason: `${it.dockerfile} did not build: ${why}\nlast lines of the build log:\n${tail(build.log)}`,
    }
  }
  // Inspecting the image and looking inside it go on together.
  const [image, found] = await Promise.all([
    engine.inspect(plan.buildTag),
    paths.length > 0 ? engine.pathsExist(plan.buildTag, paths) : undefined,
  ])
  result.image = image
  if (found) result.paths = found

  const volumeDir = plan.volume ? await mkdtemp(join(tmpdir(), 'lessonproof-volume-')) : undefined
  if (volumeDir) janitor.add(`temp dir ${volumeDir}`, () => rm(volumeDir, { recursive: true, force: true }))
  try {
    deps.log(`${doc.path}: running ${it.tag}, waiting for ${plan.healthPath}`)
    const running = await engine.run({
      image: plan.buildTag,
      port: plan.port,
      healthPath: plan.healthPath,
      healthTimeoutMs,
      memoryBytes: settings.memoryBytes,
      cpus: settings.cpus,
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
      result.health = { status: response.status, body }
      const routes = claims.filter(
        (c): c is ClaimOf<'endpoint'> => c.kind === 'endpoint' && it.files[c.file]?.line === c.fileLine,
      )
      const app = routes[0] ? (it.files[routes[0].file]?.content ?? '') : ''
      if (routes.length > 0) result.endpoints = await exercise(running.baseUrl, app, routes)
    } finally {
      await running.stop()
    }
  } catch (error) {
    result.status = 'run-failed'
    result.reason = `${it.tag} never answered ${plan.healthPath} within ${Math.round(healthTimeoutMs / 1000)} s: ${(error as Error).message}`
  } finally {
    if (volumeDir) await rm(volumeDir, { recursive: true, force: true })
  }
  return result
}

async function readCache(settings: EngineSettings, key: string): Promise<IterationResult | undefined> {
  if (!settings.cacheDir) return undefined
  try {
    return JSON.parse(await readFile(join(settings.cacheDir, `${key}.json`), 'utf8')) as IterationResult
  } catch {
    return undefined
  }
}

async function writeCache(settings: EngineSettings, key: string, result: IterationResult): Promise<void> {
  if (!settings.cacheDir) return
  await mkdir(settings.cacheDir, { recursive: true })
  await writeFile(join(settings.cacheDir, `${key}.json`), JSON.stringify(result))
}
