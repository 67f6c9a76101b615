/**
 * An engine run that walks lessons: each lesson's steps run in its workstation, and a
 * `docker build` there is the iteration's build (from the working directory as the steps left
 * it, so files they generated are in it), measured like any other. Iterations a walk did not
 * build are measured as usual afterwards.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseDockerfile } from '../dockerfile/index.js'
import type { IterationFacts, RunFacts } from '../model/index.js'
import { type RunPlan, walkedIteration } from '../plan/index.js'
import { registryOf, type WalkBuilt, walkLesson } from '../walk/index.js'
import { measureRun } from './index.js'
import { type MeasureDeps, measureIteration } from './iteration.js'

function tail(text: string, lines = 15): string {
  return text.split('\n').slice(-lines).join('\n')
}

export async function measureWithWalks(plan: RunPlan, deps: MeasureDeps): Promise<RunFacts> {
  const walks = plan.walks ?? []
  if (walks.length === 0) return measureRun(plan, deps)
  const docker =
    deps.api ?? (await (await import('testcontainers')).getContainerRuntimeClient()).container.dockerode
  const { options, engine } = deps
  const walked = new Map<string, IterationFacts>()
  const keyOf = (document: string, key: string) => `${document}\0${key}`
  const facts: RunFacts = { iterations: {}, baseImages: {}, walks: {} }
  let adHoc = 0

  for (const walk of walks) {
    deps.log(`${walk.document}: walking ${walk.actions.filter((a) => a.kind === 'step').length} commands`)
    const buildTimeoutMs = Math.max(...plan.iterations.map((p) => p.buildTimeoutMs), 600_000)
    const build = async (b: { line: number; contextDir: string; dockerfile: string }): Promise<WalkBuilt> => {
      const content = await readFile(join(b.contextDir, b.dockerfile), 'utf8').catch(() => undefined)
      if (content === undefined)
        return {
          exitCode: 1,
          stdout: '',
          stderr: `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${b.dockerfile}: no such file or directory\n`,
        }
      const it = plan.iterations.find((p) => p.document === walk.document && p.iteration.line === b.line)
      if (it) {
        const planned = walkedIteration(it, b.contextDir, { name: b.dockerfile, content }, options)
        const measured = await measureIteration(planned, deps)
        walked.set(keyOf(it.document, it.key), measured)
        const bases = planned.baseImages
        if (measured.status === 'blocked') {
          // Name where each missing base image comes from: the registry this run does not reach.
          const from = bases
            .filter((ref) => measured.reason?.includes(`image ${ref} is not available`))
            .map((ref) => `${ref} comes from ${registryOf(ref)}`)
          const reason = [measured.reason ?? 'blocked', ...from].join('; ')
          return { exitCode: 1, stdout: '', stderr: '', blocked: reason, bases }
        }
        if (measured.status === 'build-failed')
          return {
            exitCode: 1,
            stdout: `${measured.buildLog ?? ''}\n`,
            stderr: `${measured.reason?.split('\n')[0] ?? ''}\n`,
            bases,
          }
        return {
          exitCode: 0,
          stdout: `${measured.buildLog ?? ''}\n`,
          stderr: '',
          image: planned.buildTag,
          bases,
        }
      }
      // A build that is not one of the lesson's iterations (a rebuild, a section of the reader's own): built, not measured.
      const bases = parseDockerfile(content)
        .stages.map((s) => s.image)
        .filter((i, k, all) => i !== 'scratch' && all.indexOf(i) === k)
      for (const ref of bases) {
        const stage = parseDockerfile(content).stages.some((s) => s.name?.toLowerCase() === ref.toLowerCase())
        if (stage) continue
        const found = await engine.ensureImage(options.imageMap[ref] ?? ref, options.pull)
        if ('missing' in found)
          return {
            exitCode: 1,
            stdout: '',
            stderr: '',
            blocked: `base image ${ref} is not available to this engine and cannot be pulled (${found.missing}); ${ref} comes from ${registryOf(ref)}`,
            bases,
          }
      }
      const result = await engine.build({
        contextDir: b.contextDir,
        dockerfile: b.dockerfile,
        tag: `lessonproof-${options.runId}-walk-${++adHoc}:latest`,
        timeoutMs: buildTimeoutMs,
      })
      return result.ok
        ? {
            exitCode: 0,
            stdout: `${result.log}\n`,
            stderr: '',
            image: `lessonproof-${options.runId}-walk-${adHoc}:latest`,
            bases,
          }
        : {
            exitCode: 1,
            stdout: `${result.log}\n`,
            stderr: `${result.error ?? tail(result.log, 3)}\n`,
            bases,
          }
    }
    const walkFacts = await walkLesson(walk, {
      docker,
      runId: options.runId,
      build,
      cleanup: deps.janitor,
      memoryBytes: deps.memoryBytes,
      cpus: deps.cpus,
      outside: options.indexUrl !== undefined,
      env: options.indexUrl ? { PIP_INDEX_URL: options.indexUrl, UV_INDEX_URL: options.indexUrl } : {},
      log: deps.log,
    })
    ;(facts.walks as NonNullable<RunFacts['walks']>)[walk.document] = walkFacts
  }

  const rest = await measureRun(
    { ...plan, iterations: plan.iterations.filter((p) => !walked.has(keyOf(p.document, p.key))) },
    deps,
  )
  facts.baseImages = rest.baseImages
  facts.iterations = rest.iterations
  for (const it of plan.iterations) {
    const found = walked.get(keyOf(it.document, it.key))
    if (!found) continue
    const doc = facts.iterations[it.document] ?? {}
    doc[it.key] = found
    facts.iterations[it.document] = doc
  }
  return facts
}
