/**
 * Stage 3: claims → plan. For every iteration: the build context (the lesson's files as they
 * stand at its build command), its base images, what keeps it from building here, how it runs,
 * and what its claims need looked at. Plain data: the measure stage reads nothing else.
 */
import { createHash } from 'node:crypto'
import { parseDockerfile } from '../dockerfile/index.js'
import { type Claim, kindOf } from '../kinds/index.js'
import { Iterations } from '../kinds/kit/index.js'
import type { Document, Iteration } from '../model/index.js'
import { segments } from '../parse/index.js'
import type { EngineOptions, Settings } from '../settings/index.js'
import { planWalk, type WalkPlan } from './walk.js'

export { findDockerCommands, looksLongRunning, needsPerson, simpleCommands } from './steps.js'
export { planWalk, type WalkAction, type WalkFile, type WalkPlan, type WalkStep } from './walk.js'

/** One iteration's build and run, as the measure stage carries it out. */
export interface IterationPlan {
  /** The document the iteration is built for. */
  document: string
  iteration: Iteration
  /** The key its facts are kept under: the iteration's index in its document. */
  key: string
  /** The tag lessonproof builds under: the run's id, the document and the iteration, so no two collide. */
  buildTag: string
  dockerfile: string
  /** The build context: exactly the lesson's files as they stand at the iteration. */
  files: Record<string, string>
  /** Images the stages start FROM (after --image-map), without stage names and scratch. */
  baseImages: string[]
  /** Why this iteration cannot be built in this run. */
  blocked?: string
  port: number
  healthPath: string
  /** Container path of the volume the lesson mounts when it runs this image. */
  volume?: string
  /** Paths to look for in the image. */
  paths: string[]
  /** Routes of the app to call once /health answers, and the app's code (for request bodies). */
  routes: { method: string; path: string }[]
  app: string
  healthTimeoutMs: number
  buildTimeoutMs: number
  notes: string[]
  /**
   * The build context as a directory on the host (a walked lesson's working directory, with the
   * files its steps made), instead of `files`; `files` then holds only the rewritten Dockerfile.
   */
  contextDir?: string
}

/** Everything one engine run does. */
export interface RunPlan {
  iterations: IterationPlan[]
  /** The lessons to walk (`lessonproof walk`): their builds are their iterations' builds. */
  walks?: WalkPlan[]
  /** Base images claims state sizes of (as the lesson writes them), with the reference to measure. */
  baseImages: { ref: string; measureAs: string }[]
}

/** A document with its claims and its lesson's resolved settings. */
export interface PlanInput {
  doc: Document
  claims: Claim[]
  settings: Settings
}

/** Rewrites the build's copy of a Dockerfile (never the lesson) for --image-map and --index-url. */
export function rewriteDockerfile(content: string, options: EngineOptions, notes: string[]): string {
  return content
    .split('\n')
    .flatMap((line) => {
      const from = /^(\s*FROM\s+(?:--\S+\s+)*)(\S+)(.*)$/i.exec(line)
      if (!from) return [line]
      const [, head = '', image = '', rest = ''] = from
      const mapped = options.imageMap[image]
      if (mapped) notes.push(`FROM ${image} built as FROM ${mapped} (--image-map)`)
      const out = [`${head}${mapped ?? image}${rest}`]
      if (options.indexUrl) out.push(`ENV PIP_INDEX_URL=${options.indexUrl} UV_INDEX_URL=${options.indexUrl}`)
      return out
    })
    .join('\n')
}

/** A name Docker accepts as a tag: [A-Za-z0-9_.-], at most 128 characters. */
function tagPart(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 100) || 'image'
  )
}

/** The build tag of an iteration: unique to the run, the document and the iteration's place in it. */
export function buildTagOf(runId: string, document: string, it: Iteration): string {
  const doc = createHash('sha256').update(document).digest('hex').slice(0, 8)
  return `lessonproof-${runId}-${doc}-${it.index}:${tagPart(it.tag.split('/').pop() ?? it.tag)}`
}

/** What every claim of a document asks to be looked at, per iteration. */
function needsOf(claims: Claim[], iterations: Iterations) {
  const paths = new Map<number, Set<string>>()
  const routes = new Map<number, { method: string; path: string; app: string }[]>()
  const baseImages = new Set<string>()
  for (const claim of claims) {
    const { measured } = kindOf(claim)
    const wanted = measured === false ? [] : (measured.needs?.(claim, iterations) ?? [])
    for (const need of wanted) {
      if (need.kind === 'path') {
        const set = paths.get(need.iteration.index) ?? new Set()
        set.add(need.path)
        paths.set(need.iteration.index, set)
      } else if (need.kind === 'route') {
        const list = routes.get(need.iteration.index) ?? []
        list.push({ method: need.method, path: need.path, app: need.app })
        routes.set(need.iteration.index, list)
      } else baseImages.add(need.ref)
    }
  }
  return { paths, routes, baseImages }
}

export function planIteration(
  input: PlanInput,
  it: Iteration,
  options: EngineOptions,
  needs: ReturnType<typeof needsOf> = needsOf(input.claims, new Iterations(input.doc.iterations)),
): IterationPlan {
  const { doc, settings } = input
  const notes: string[] = []
  const files: Record<string, string> = {}
  for (const [name, version] of Object.entries(it.files)) files[name] = `${version.content}\n`
  const routes = needs.routes.get(it.index) ?? []
  const plan: IterationPlan = {
    document: doc.path,
    iteration: it,
    key: String(it.index),
    buildTag: buildTagOf(options.runId, doc.path, it),
    dockerfile: it.dockerfile,
    files,
    baseImages: [],
    port: 8000,
    healthPath: '/health',
    paths: [...(needs.paths.get(it.index) ?? [])].sort(),
    routes: routes.map(({ method, path }) => ({ method, path })),
    app: routes[0]?.app ?? '',
    healthTimeoutMs: settings.health_timeout_s * 1000,
    buildTimeoutMs: settings.build_timeout_s * 1000,
    notes,
  }
  const source = files[it.dockerfile]
  if (source === undefined) {
    plan.blocked = `${it.dockerfile} is not defined before line ${it.line}`
    return plan
  }
  const content = rewriteDockerfile(source, options, notes)
  files[it.dockerfile] = content
  const model = parseDockerfile(content)
  const stageNames = new Set(model.stages.map((s) => s.name?.toLowerCase()).filter(Boolean))
  plan.baseImages = [
    ...new Set(
      model.stages.map((s) => s.image).filter((i) => i !== 'scratch' && !stageNames.has(i.toLowerCase())),
    ),
  ]
  const expose = model.stages.at(-1)?.steps.find((s) => s.keyword === 'EXPOSE')
  const port = Number.parseInt(expose?.args ?? '', 10)
  if (Number.isInteger(port) && port > 0) plan.port = port

  // A COPY source the lesson never writes, but a command of the lesson makes: that command is not run here.
  for (const stage of model.stages) {
    for (const step of stage.steps) {
      if ((step.keyword !== 'COPY' && step.keyword !== 'ADD') || step.from) continue
      const sources = step.args
        .split(/\s+/)
        .filter((a) => !a.startsWith('--'))
        .slice(0, -1)
      for (const src of sources) {
        const name = src.replace(/^\.\//, '')
        if (name === '.' || /[*?[]/.test(name) || files[name] !== undefined) continue
        if (Object.keys(files).some((f) => f.startsWith(`${name.replace(/\/$/, '')}/`))) continue
        const maker = doc.commands.find((c) => c.line < it.line && c.text.includes(name))
        plan.blocked ??= maker
          ? `${name} is made by \`${maker.text}\` (line ${maker.line}), which lessonproof does not run; the lesson never shows its content`
          : `${it.dockerfile} copies ${name}, which the lesson never defines`
      }
    }
  }
  const volume = volumeFor(doc, it)
  if (volume) plan.volume = volume
  return plan
}

/**
 * The plan of a run: every iteration of every document given, and the base images claims name;
 * with `options.walk`, each lesson's walk too.
 */
export function planRun(inputs: PlanInput[], options: EngineOptions): RunPlan {
  const iterations: IterationPlan[] = []
  const baseImages = new Set<string>()
  const walks: WalkPlan[] = []
  for (const input of inputs) {
    const needs = needsOf(input.claims, new Iterations(input.doc.iterations))
    for (const ref of needs.baseImages) baseImages.add(ref)
    for (const it of input.doc.iterations) iterations.push(planIteration(input, it, options, needs))
    if (options.walk && input.doc.role === 'lesson') walks.push(planWalk(input.doc, input.settings))
  }
  return {
    iterations,
    baseImages: [...baseImages].map((ref) => ({ ref, measureAs: options.imageMap[ref] ?? ref })),
    ...(options.walk ? { walks } : {}),
  }
}

/**
 * An iteration as a walk builds it: from the lesson's working directory as the steps left it,
 * with the Dockerfile found there (rewritten for --image-map and --index-url). What blocked the
 * plan (a file only a command makes) is the walk's to find: the command ran.
 */
export function walkedIteration(
  plan: IterationPlan,
  contextDir: string,
  dockerfile: { name: string; content: string },
  options: EngineOptions,
): IterationPlan {
  const notes = [...plan.notes]
  const content = rewriteDockerfile(dockerfile.content, options, notes)
  const model = parseDockerfile(content)
  const stageNames = new Set(model.stages.map((s) => s.name?.toLowerCase()).filter(Boolean))
  const { blocked: _planned, ...rest } = plan
  const expose = model.stages.at(-1)?.steps.find((s) => s.keyword === 'EXPOSE')
  const port = Number.parseInt(expose?.args ?? '', 10)
  return {
    ...rest,
    dockerfile: dockerfile.name,
    files: { [dockerfile.name]: content },
    contextDir,
    baseImages: [
      ...new Set(
        model.stages.map((s) => s.image).filter((i) => i !== 'scratch' && !stageNames.has(i.toLowerCase())),
      ),
    ],
    port: Number.isInteger(port) && port > 0 ? port : plan.port,
    notes,
  }
}

/** `docker run -v HOST:/path … TAG` after the build: the container path of the lesson's volume. */
function volumeFor(doc: Document, it: Iteration): string | undefined {
  for (const command of doc.commands) {
    const argv = segments(command.text)[0] ?? []
    if (argv[0] !== 'docker' || argv[1] !== 'run' || !argv.includes(it.tag)) continue
    for (let i = 2; i < argv.length; i++) {
      const arg = argv[i] ?? ''
      const spec =
        arg === '-v' || arg === '--volume'
          ? argv[i + 1]
          : arg.startsWith('--volume=')
            ? arg.slice(9)
            : undefined
      const target = spec?.split(':')[1]
      if (target?.startsWith('/')) return target
    }
  }
  return undefined
}

/** The key results are cached under: everything that decides what is built and measured. */
export function planKey(plan: IterationPlan, baseIds: string[]): string {
  const hash = createHash('sha256')
  hash.update(`dockerfile\0${plan.dockerfile}\0port\0${plan.port}\0volume\0${plan.volume ?? ''}\0`)
  for (const name of Object.keys(plan.files).sort()) hash.update(`${name}\0${plan.files[name]}\0`)
  for (const id of baseIds) hash.update(`base\0${id}\0`)
  hash.update(
    `paths\0${plan.paths.join('\0')}\0routes\0${plan.routes.map((r) => `${r.method} ${r.path}`).join('\0')}\0`,
  )
  hash.update(`health\0${plan.healthPath}\0${plan.healthTimeoutMs}\0`)
  return hash.digest('hex')
}
