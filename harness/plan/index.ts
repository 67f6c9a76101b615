/**
 * Stage 3: claims → plan. For every iteration: the build context (the lesson's files as they
 * stand at its build command), its base images, what keeps it from building here, how it runs,
 * and what its claims need looked at. Plain data: the measure stage reads nothing else.
 */
import { createHash } from 'node:crypto'
import { buildkitSteps, stagesBuilt } from '../buildlog/index.js'
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
  /**
   * Every image the build uses (after --image-map): what the stages it builds start FROM, and
   * what a `COPY --from=<image>` or `RUN --mount=…,from=<image>` names. Their IDs are in the
   * result cache's key, so a changed one is measured again.
   */
  baseImages: string[]
  /** `--target`: the stage built, when not the last. */
  target?: string
  /**
   * The key of the iteration this one builds again (the same tag and files): built after it,
   * measured as it was, with a log of its own (the lesson shows it CACHED).
   */
  rebuildOf?: string
  /** A claim holds this build's log: built alone, after the document's earlier builds. */
  exclusive: boolean
  /** A claim times this build's steps: built with `--no-cache`, so every step runs. */
  noCache: boolean
  /** The lesson declares that its app needs the network beyond this machine. */
  outbound: boolean
  /** A claim needs the app running (/health, routes); else the image is built and inspected only. */
  run: boolean
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
  const logs = new Set<number>()
  const timed = new Set<number>()
  const runs = new Set<number>()
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
        runs.add(need.iteration.index)
      } else if (need.kind === 'run') runs.add(need.iteration.index)
      else if (need.kind === 'build-log') logs.add(need.iteration.index)
      else if (need.kind === 'timing') timed.add(need.iteration.index)
      else baseImages.add(need.ref)
    }
  }
  // A rebuild is measured as the build it repeats: that one runs for it.
  for (const it of iterations.all)
    if (runs.has(it.index) && it.rebuildOf !== undefined) runs.add(it.rebuildOf)
  return { paths, routes, baseImages, logs, timed, runs }
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
    exclusive: needs.logs.has(it.index),
    noCache: needs.timed.has(it.index),
    outbound: settings.network === 'outbound',
    run: needs.runs.has(it.index),
  }
  if (it.target) plan.target = it.target
  if (it.rebuildOf !== undefined) plan.rebuildOf = String(it.rebuildOf)
  const source = files[it.dockerfile]
  if (source === undefined) {
    plan.blocked = `${it.dockerfile} is not defined before line ${it.line}`
    return plan
  }
  const content = rewriteDockerfile(source, options, notes)
  files[it.dockerfile] = content
  const model = parseDockerfile(content)
  const used = imagesUsed(content, it.target)
  plan.baseImages = used.images
  if (used.problem) plan.blocked = used.problem
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
        // Outside the build context: the builder refuses it, and the build's failure is the verdict.
        if (name.startsWith('/') || name.split('/').includes('..')) continue
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
 * The images a build uses, as the builder resolves them (`ARG` defaults filled in): the FROM of
 * every stage the target builds, and every image a `COPY --from` or a mount names. A FROM whose
 * variable has no default cannot be built as the lesson shows it.
 */
export function imagesUsed(dockerfile: string, target?: string): { images: string[]; problem?: string } {
  let plan: ReturnType<typeof buildkitSteps>
  try {
    plan = buildkitSteps(dockerfile)
  } catch {
    return { images: [] }
  }
  const written = parseDockerfile(dockerfile).stages
  const images = new Set<string>()
  let problem: string | undefined
  for (const stage of stagesBuilt(plan, target)) {
    if (stage.base.kind === 'image') {
      const ref = stage.base.ref
      const as = written[stage.index]?.image ?? ref
      if (/\/$|:$/.test(ref) || ref === 'docker.io/library/')
        problem ??= `FROM ${as}: the variable has no default, and lessonproof passes no --build-arg`
      else images.add(as.includes('$') ? ref : as)
    }
    for (const source of stage.sources) images.add(source)
  }
  return problem ? { images: [...images], problem } : { images: [...images] }
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
  hash.update(`health\0${plan.healthPath}\0${plan.healthTimeoutMs}\0run\0${plan.run}\0`)
  hash.update(
    `target\0${plan.target ?? ''}\0rebuild\0${plan.rebuildOf ?? ''}\0nocache\0${plan.noCache}\0outbound\0${plan.outbound}\0`,
  )
  return hash.digest('hex')
}
