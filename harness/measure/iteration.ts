import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import type { Engine, Janitor } from '../engine/index.js'
import type { IterationFacts } from '../model/index.js'
import { type IterationPlan, planKey } from '../plan/index.js'
import type { EngineOptions } from '../settings/index.js'
import { basesOf } from './bases.js'
import type { ResultCache } from './cache.js'
import { CACHE_FORMAT } from './cache.js'
import { writeContext } from './context.js'
import { exercise } from './routes.js'
import { BuildGate, Signal } from './schedule.js'

/** What measuring needs: the engine, the janitor, the run's options and limits, a progress log. */
export interface MeasureDeps {
  engine: Engine
  janitor: Janitor
  options: EngineOptions
  /** Iterations built at once. */
  concurrency: number
  /** Memory (bytes), CPU and process limits of each app container. */
  memoryBytes: number
  cpus: number
  /** @default 256 */
  pidsLimit?: number
  /** Builds one run makes at most; iterations beyond are blocked. @default unlimited */
  maxBuilds?: number
  cache: ResultCache
  /** The engine's API client, for a walk's workstation (the one the engine was opened with). */
  api?: Dockerode
  /** Progress lines for the person waiting. */
  log: (line: string) => void
}

/** How one iteration's build is ordered with the run's others (see schedule.ts). */
export interface Turn {
  gate: BuildGate
  /** Settled once each earlier iteration of the same document has built (or will not). */
  earlier: Promise<void>[]
  /** Settled once the iteration this one rebuilds has built, with its facts. */
  original?: Promise<IterationFacts>
  /** To settle when this iteration has built (or will not build). */
  built: Signal
}

/** The turn of a build made apart from a run's order (a walk's build, when its step comes). */
export function ownTurn(): Turn {
  return { gate: new BuildGate(), earlier: [], built: new Signal() }
}

function tail(log: string, lines = 15): string {
  return log.split('\n').slice(-lines).join('\n')
}

/** Builds, measures and runs one iteration, or says why it could not; reuses an earlier run's result. */
export async function measureIteration(
  plan: IterationPlan,
  deps: MeasureDeps,
  turn: Turn = ownTurn(),
): Promise<IterationFacts> {
  try {
    const { engine, options } = deps
    const blocked: string[] = []
    const baseIds: string[] = []
    for (const ref of plan.baseImages) {
      const found = await engine.ensureImage(ref, options.pull)
      if ('id' in found) baseIds.push(found.id)
      else
        blocked.push(
          `image ${ref} is not available to this engine and cannot be pulled (${found.missing}); map it with --image-map ${ref}=IMAGE`,
        )
    }
    if (plan.blocked) blocked.push(plan.blocked)
    if (blocked.length > 0) {
      // Said as it happens: otherwise only --verbose tells why an iteration was never built.
      deps.log(`${plan.document}: not building ${plan.iteration.tag}: ${blocked.join('; ')}`)
      return { status: 'blocked', reason: blocked.join('; '), notes: plan.notes }
    }
    // A walked build's image is used by the steps after it: it is built, never taken from the cache.
    if (plan.contextDir) return await buildAndRun(plan, deps, turn)

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
    const facts = await buildAndRun(plan, deps, turn)
    await deps.cache.write(key, facts)
    return { ...facts, ...bases }
  } finally {
    turn.built.done()
  }
}

async function buildAndRun(plan: IterationPlan, deps: MeasureDeps, turn: Turn): Promise<IterationFacts> {
  const { engine, janitor, options } = deps
  const it = plan.iteration
  const context = await writeContext(plan.files, janitor, options.runId, plan.contextDir)
  if (plan.exclusive) await Promise.all(turn.earlier)
  const original = turn.original ? await turn.original : undefined
  const release = await turn.gate.acquire(plan.exclusive)
  deps.log(
    `${plan.document}: building ${it.tag} from ${it.dockerfile}${plan.target ? ` (--target ${plan.target})` : ''}${plan.noCache ? ' with --no-cache, to time its steps' : ''}${plan.exclusive ? ', alone: its log is compared' : ''}`,
  )
  let build: Awaited<ReturnType<Engine['build']>>
  try {
    build = await engine.build({
      contextDir: context,
      dockerfile: plan.dockerfile,
      tag: plan.buildTag,
      timeoutMs: plan.buildTimeoutMs,
      ...(plan.target ? { target: plan.target } : {}),
      ...(plan.noCache ? { noCache: true } : {}),
    })
  } finally {
    release()
    turn.built.done()
    await rm(context, { recursive: true, force: true })
  }
  if (Object.keys(options.imageMap).length > 0) build.build.imageMap = options.imageMap
  const notes = [...plan.notes, ...(build.build.note ? [build.build.note] : [])]
  const facts: IterationFacts = { status: 'measured', buildLog: build.log, build: build.build, notes }
  if (!build.ok) {
    // The engine's message and apt's "E:" lines first, then the end of the log.
    const errors = build.log.split('\n').filter((l) => /^(E|ERROR|error):/.test(l.trim()))
    const why = [build.error, ...errors].filter(Boolean).join('; ')
    return {
      ...facts,
      status: 'build-failed',
      reason: `${it.dockerfile} did not build: ${why}\nlast lines of the build log:\n${tail(build.log)}`,
    }
  }
  // A rebuild is the same image: measured once, with a log of its own.
  if (original?.status === 'measured' && original.image) {
    const { buildLog: _log, build: _build, cached: _cached, notes: earlier, ...measured } = original
    return {
      ...measured,
      buildLog: build.log,
      build: build.build,
      notes: [...notes, ...earlier, `built again after ${it.tag}'s first build, as the lesson shows`],
    }
  }
  deps.log(`${plan.document}: measuring ${it.tag}`)
  // Inspecting the image and looking inside it go on together.
  const [image, found] = await Promise.all([
    engine.inspect(plan.buildTag),
    plan.paths.length > 0 ? engine.pathsExist(plan.buildTag, plan.paths) : undefined,
  ])
  facts.image = image
  if (found) facts.paths = found
  // No claim asks what the app answers: the image is measured, not run.
  if (!plan.run) return facts

  const volumeDir = plan.volume
    ? await mkdtemp(join(tmpdir(), `lessonproof-${options.runId}-volume-`))
    : undefined
  const dropVolume = volumeDir
    ? janitor.add(`temp dir ${volumeDir}`, () => rm(volumeDir, { recursive: true, force: true }))
    : undefined
  try {
    deps.log(`${plan.document}: running ${it.tag}, waiting for ${plan.healthPath}`)
    const running = await engine.run({
      image: plan.buildTag,
      port: plan.port,
      healthPath: plan.healthPath,
      healthTimeoutMs: plan.healthTimeoutMs,
      memoryBytes: deps.memoryBytes,
      cpus: deps.cpus,
      pidsLimit: deps.pidsLimit ?? 256,
      outbound: plan.outbound,
      ...(volumeDir && plan.volume ? { volume: { hostDir: volumeDir, containerPath: plan.volume } } : {}),
    })
    facts.notes.push(...running.notes)
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
      if (plan.routes.length > 0) {
        deps.log(
          `${plan.document}: calling ${plan.routes.length} route${plan.routes.length === 1 ? '' : 's'} of ${it.tag}`,
        )
        facts.routes = await exercise(running.baseUrl, plan.app, plan.routes)
      }
    } finally {
      await running.stop()
    }
  } catch (error) {
    if ((error as Error).name === 'EngineError') throw error
    facts.status = 'run-failed'
    facts.reason = `${it.tag} did not run as the lesson shows: ${(error as Error).message}`
  } finally {
    if (volumeDir) await rm(volumeDir, { recursive: true, force: true })
    dropVolume?.()
  }
  return facts
}
