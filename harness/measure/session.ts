import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { EngineEnv } from '../engine/connection.js'
import type { RunFacts } from '../model/index.js'
import type { RunPlan } from '../plan/index.js'
import { EngineOptions, type EngineOptionsInput } from '../settings/index.js'
import { ResultCache } from './cache.js'
import { measureWithWalks } from './walk.js'

/** The run-wide limits of an engine run, from the resolved settings. */
export interface RunLimits {
  concurrency: number
  memoryBytes: number
  cpus: number
  /** @default 256 */
  pidsLimit?: number
  /** Builds one run makes at most. @default unlimited */
  maxBuilds?: number
}

export interface EngineSession {
  /** Where the engine is and how it builds, for the log. */
  where: string
  options: EngineOptions
  measure: (plan: RunPlan) => Promise<RunFacts>
  /** Removes everything the session created; returns what could not be removed, each with the command that would. */
  close: () => Promise<string[]>
}

/**
 * Opens the engine: `DOCKER_HOST` from `env` when set (strictly: no other engine is tried), else
 * the docker CLI's context, else the local socket; builds with BuildKit through the docker client
 * that can. Throws an EngineError when no engine answers. It reads no environment variable but
 * those in `env`, installs no signal handler and never exits: the caller calls `close`, also on
 * Ctrl-C. What dead runs of this host left is removed while the run goes on.
 */
export async function openEngineSession(
  input: Omit<EngineOptionsInput, 'runId'> & { runId?: string },
  limits: RunLimits,
  log: (line: string) => void,
  env: EngineEnv,
): Promise<EngineSession> {
  const options = EngineOptions.parse({ runId: randomBytes(4).toString('hex'), ...input })
  // Loaded only now: a static run never pays for the engine's client.
  const engineModule = await import('../engine/index.js')
  const janitor = new engineModule.Janitor()
  const owner = engineModule.currentOwner()
  // Says which process the run's temp dirs belong to; registered first, so removed last.
  const ownerPath = engineModule.writeOwnerFile(options.runId, owner)
  janitor.add(`temp file ${ownerPath}`, () => rm(ownerPath, { force: true }))
  let engine: Awaited<ReturnType<typeof engineModule.openDockerEngine>>
  try {
    engine = await engineModule.openDockerEngine({
      janitor,
      runId: options.runId,
      owner,
      env,
      ...(options.docker ? { docker: options.docker } : {}),
      ...(options.cacheDir ? { clientCache: join(options.cacheDir, 'client.json') } : {}),
    })
  } catch (error) {
    await janitor.clean()
    throw error
  }
  const sweeping = engineModule.sweepDeadRuns(engine.api, { except: options.runId, log })
  const where = await engine.describe()
  const cache = new ResultCache(options.cacheDir, log)
  let closing: Promise<string[]> | undefined
  return {
    where,
    options,
    measure: (plan) =>
      measureWithWalks(plan, { engine, janitor, options, cache, log, api: engine.api, ...limits }),
    close: () => {
      closing ??= (async () => {
        log('lessonproof: removing what this run created')
        await sweeping
        const left = await janitor.clean()
        // Whatever the engine finished making after the janitor went by still carries the run's label.
        try {
          left.push(...(await engineModule.sweepRun(engine.api, options.runId)))
        } catch (error) {
          log(`lessonproof: could not look for what this run left: ${(error as Error).message}`)
        }
        if (options.cacheDir && engine.windows.length > 0) {
          // Which of BuildKit's cache records this run made, for `lessonproof clean --prune`.
          try {
            const made = await engineModule.recordsMadeDuring(engine.api, engine.windows.splice(0))
            await engineModule.rememberRecords(options.cacheDir, made)
          } catch (error) {
            log(`lessonproof: could not note this run's BuildKit cache records: ${(error as Error).message}`)
          }
        }
        return left
      })()
      return closing
    },
  }
}
