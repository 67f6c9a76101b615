/**
 * Which instructions BuildKit shows as numbered steps, and how it labels and counts them, as
 * recorded with the engine here (fixtures/, Docker 20.10.24 with its built-in BuildKit):
 *
 * - Numbered per stage: `FROM <image>`, `RUN`, `COPY`, `ADD`, `WORKDIR`. Not numbered: `ARG`, `ENV`,
 *   `LABEL`, `USER`, `SHELL`, `EXPOSE`, `VOLUME`, `STOPSIGNAL`, `HEALTHCHECK`, `ONBUILD`,
 *   `ENTRYPOINT`, `CMD`. A `FROM scratch` or a `FROM <earlier stage>` is no step either: that stage
 *   starts at `[1/n]` with its first RUN/COPY/ADD/WORKDIR.
 * - Labels: the `AS` name (lower case); an unnamed stage is `stage-<index>` (0-based, counting every
 *   stage of the file). A build with one stage shows no label (`[2/5]`), unless the file also has
 *   a `COPY --from=<image>` or a cache mount (`RUN --mount=type=cache`), which BuildKit counts as
 *   stages of their own: then the single stage is `[stage-0 2/5]`.
 * - Only the stages the target needs are built (the last stage by default, or `--target`); a stage
 *   nothing needs is skipped, even in the default build.
 * - A FROM shared by several stages (the same image) is one vertex, shown once under any of their labels;
 *   a build running at the same time on the engine shares it too, and may lend it its own label.
 * - The text: FROM shows the image normalized (`docker.io/library/debian:bookworm-slim`, `${ARG}`
 *   resolved, no `:latest` added); RUN shows ARG and ENV values substituted, unknown variables as written; COPY, ADD and
 *   WORKDIR substitute unknown variables with nothing. Continuation lines are joined as written.
 * - ONBUILD triggers of the base image run as steps after FROM and take numbers past the total
 *   (`[3/2] RUN …`): they are not in the Dockerfile, so this rule cannot list them.
 * - `(n/m)` counts every vertex of the solve: `[internal]` loads (the definition, `.dockerignore`,
 *   the metadata of each base image, the build context when something is copied from it), each
 *   distinct step, the unnumbered `FROM` of a `COPY --from=<image>`, and `exporting to image`.
 */

import { type Arg, type Copy, DockerfileParser, type Env, type From, type Run } from 'dockerfile-ast'

/** A numbered step as BuildKit shows it. */
export interface BuildkitStep {
  index: number
  total: number
  keyword: string
  /** The instruction as the log shows it. @example "FROM docker.io/library/debian:bookworm-slim" */
  text: string
  /** 1-based line of the instruction in the Dockerfile. */
  line: number
}

export interface BuildkitStage {
  index: number
  /** `AS <name>`, lower case as BuildKit keeps it. */
  name?: string
  /** The label BuildKit shows, or none (one stage only). @example "stage-1" */
  label?: string
  base: { kind: 'image'; ref: string } | { kind: 'stage'; index: number } | { kind: 'scratch' }
  total: number
  steps: BuildkitStep[]
  /** Earlier stages this one needs: its base, `COPY --from`, `RUN --mount=…,from=`. */
  needs: number[]
  /** Images (not stages) a `COPY --from` or a mount names. */
  sources: string[]
  /** Something is copied from the build context. */
  usesContext: boolean
}

export interface BuildkitPlan {
  stages: BuildkitStage[]
}

export interface BuildkitOptions {
  /** `--build-arg NAME=VALUE`s. */
  buildArgs?: Record<string, string>
}

const NUMBERED = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR'])

/** The numbered steps BuildKit shows for each stage of a Dockerfile. */
export function buildkitSteps(dockerfile: string, options: BuildkitOptions = {}): BuildkitPlan {
  const doc = DockerfileParser.parse(dockerfile)
  const buildArgs = options.buildArgs ?? {}
  const globals: Record<string, string> = {}
  for (const arg of doc.getInitialARGs()) {
    const name = arg.getProperty()?.getName()
    if (!name) continue
    const value = buildArgs[name] ?? arg.getProperty()?.getValue() ?? undefined
    if (value !== undefined && value !== null) globals[name] = unquote(value)
  }
  const stages: BuildkitStage[] = []
  let extraStates = new Set<string>()
  const envOf: Record<string, string>[] = []
  let vars: Record<string, string> = {}
  let env: Record<string, string> = {}
  const finishStage = () => {
    if (stages.length > 0) envOf.push(env)
  }
  for (const instruction of doc.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase()
    const line = instruction.getRange().start.line + 1
    if (keyword === 'FROM') {
      finishStage()
      const from = instruction as From
      const index = stages.length
      const name = from.getBuildStage()?.toLowerCase()
      const written = expand(from.getImage() ?? '', globals, false)
      const parent = stages.findIndex((s) => s.name !== undefined && s.name === written.toLowerCase())
      const base: BuildkitStage['base'] =
        parent >= 0
          ? { kind: 'stage', index: parent }
          : written === 'scratch'
            ? { kind: 'scratch' }
            : { kind: 'image', ref: normalizeImage(written) }
      const stage: BuildkitStage = {
        index,
        base,
        total: 0,
        steps: [],
        needs: parent >= 0 ? [parent] : [],
        sources: [],
        usesContext: false,
      }
      if (name) stage.name = name
      if (base.kind === 'image')
        stage.steps.push({ index: 0, total: 0, keyword: 'FROM', text: `FROM ${base.ref}`, line })
      stages.push(stage)
      env = parent >= 0 ? { ...(envOf[parent] ?? {}) } : {}
      vars = { ...env }
      continue
    }
    const stage = stages.at(-1)
    if (!stage) continue
    if (keyword === 'ARG') {
      const property = (instruction as Arg).getProperty()
      const name = property?.getName()
      if (!name) continue
      const given = buildArgs[name] ?? property?.getValue() ?? globals[name]
      if (given !== undefined && given !== null) vars[name] = unquote(expand(given, vars, false))
      continue
    }
    if (keyword === 'ENV') {
      for (const p of (instruction as Env).getProperties()) {
        const value = unquote(expand(p.getValue() ?? '', vars, false))
        env[p.getName()] = value
        vars[p.getName()] = value
      }
      continue
    }
    if (!NUMBERED.has(keyword)) continue
    const flags =
      keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD'
        ? (instruction as Copy | Run).getFlags()
        : []
    const args = (instruction.getArgumentsContent() ?? '').trim()
    const keepUnknown = keyword === 'RUN'
    const shownFlags = flags.map((f) =>
      keyword === 'RUN' ? f.toString() : expand(f.toString(), vars, false),
    )
    const text = [keyword, ...shownFlags, expand(args, vars, keepUnknown)].join(' ')
    stage.steps.push({ index: 0, total: 0, keyword, text, line })
    for (const flag of flags) {
      const ref = flagSource(
        flag.getName(),
        flag.getValue() ?? '',
        flag.getOptions().map((o) => [o.getName(), o.getValue() ?? '']),
      )
      if (ref === undefined) continue
      const named = /^\d+$/.test(ref) ? Number(ref) : stages.findIndex((s) => s.name === ref.toLowerCase())
      if (named >= 0 && named < stage.index) stage.needs.push(named)
      else {
        extraStates = new Set([...extraStates, ref])
        if (ref !== 'scratch') stage.sources.push(normalizeImage(ref))
      }
    }
    if ((keyword === 'COPY' || keyword === 'ADD') && !flags.some((f) => f.getName() === 'from'))
      stage.usesContext = true
    // A bind mount without `from` mounts the build context.
    if (
      flags.some(
        (f) =>
          f.getName() === 'mount' &&
          isContextMount(f.getOptions().map((o) => [o.getName(), o.getValue() ?? ''])),
      )
    )
      stage.usesContext = true
  }
  finishStage()
  const labelled = stages.length + extraStates.size > 1
  for (const stage of stages) {
    stage.total = stage.steps.length
    stage.steps.forEach((step, i) => {
      step.index = i + 1
      step.total = stage.total
    })
    if (labelled) stage.label = stage.name ?? `stage-${stage.index}`
    stage.needs = [...new Set(stage.needs)].sort((a, b) => a - b)
  }
  return { stages }
}

/** The stage a `COPY --from=` or a `RUN --mount=` reads from, when it reads from one. */
function flagSource(name: string, value: string, options: string[][]): string | undefined {
  if (name === 'from') return value
  if (name !== 'mount') return undefined
  const opts = new Map(options.map(([k = '', v = '']) => [k, v]))
  const from = opts.get('from')
  if (from) return from
  // BuildKit gives a cache mount an empty image of its own, which counts as a stage.
  return opts.get('type') === 'cache' ? 'scratch' : undefined
}

function isContextMount(options: string[][]): boolean {
  const opts = new Map(options.map(([k = '', v = '']) => [k, v]))
  return (opts.get('type') ?? 'bind') === 'bind' && !opts.get('from')
}

/** The stages a build of `target` (default: the last stage) builds, in file order. */
export function stagesBuilt(plan: BuildkitPlan, target?: string): BuildkitStage[] {
  const last = plan.stages.at(-1)
  const start =
    target === undefined
      ? last
      : plan.stages.find((s) => s.name !== undefined && s.name === target.toLowerCase())
  if (!start) return []
  const built = new Set<number>()
  const visit = (stage: BuildkitStage) => {
    if (built.has(stage.index)) return
    built.add(stage.index)
    for (const need of stage.needs) {
      const other = plan.stages[need]
      if (other) visit(other)
    }
  }
  visit(start)
  return plan.stages.filter((s) => built.has(s.index))
}

/**
 * The `m` of `(n/m) FINISHED` a successful build of `target` shows with the 20.10 engine's
 * BuildKit. Newer BuildKit adds vertices (`[auth] …` when it pulls), so this holds for that engine.
 */
export function expectedVertices(plan: BuildkitPlan, target?: string): number {
  const built = stagesBuilt(plan, target)
  if (built.length === 0) return 0
  const identity = new Map<number, string>()
  const vertices = new Set<string>()
  const baseImages = new Set<string>()
  const sources = new Set<string>()
  let context = false
  for (const stage of built) {
    let key =
      stage.base.kind === 'image'
        ? `image:${stage.base.ref}`
        : stage.base.kind === 'stage'
          ? (identity.get(stage.base.index) ?? '')
          : 'scratch'
    if (stage.base.kind === 'image') baseImages.add(stage.base.ref)
    for (const step of stage.steps) {
      if (step.keyword !== 'FROM') key = `${key}\n${step.text}`
      vertices.add(key)
    }
    identity.set(stage.index, key)
    for (const source of stage.sources) sources.add(source)
    context ||= stage.usesContext
  }
  const loads = 2 + baseImages.size + (context ? 1 : 0)
  return loads + vertices.size + sources.size + 1
}

/**
 * An image reference as BuildKit shows it in a FROM step: `debian:bookworm-slim` →
 * `docker.io/library/debian:bookworm-slim`. No `:latest` is added (the step shows
 * `FROM docker.io/x/base` where the metadata line says `x/base:latest`).
 */
export function normalizeImage(ref: string): string {
  const [first = '', ...rest] = ref.split('/')
  const hasRegistry = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost')
  return hasRegistry ? ref : rest.length === 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`
}

function unquote(value: string): string {
  return /^(["']).*\1$/s.test(value) ? value.slice(1, -1) : value
}

const VARIABLE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/

/**
 * `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME:+alt}` substituted as BuildKit shows them:
 * nothing inside single quotes, `\$` as `$`; an unknown variable kept as written or dropped.
 */
export function expand(text: string, vars: Record<string, string>, keepUnknown: boolean): string {
  let out = ''
  let single = false
  let double = false
  for (let i = 0; i < text.length; ) {
    const c = text[i] ?? ''
    if (c === '\\' && !single) {
      const next = text[i + 1] ?? ''
      out += next === '$' ? '$' : c + next
      i += 2
      continue
    }
    if (c === "'" && !double) single = !single
    if (c === '"' && !single) double = !double
    const m = c === '$' && !single ? VARIABLE.exec(text.slice(i)) : null
    if (!m) {
      out += c
      i += 1
      continue
    }
    const name = m[1] ?? m[4] ?? ''
    const op = m[2]
    const word = m[3] ?? ''
    const value = vars[name]
    const set = op?.startsWith(':') ? value !== undefined && value !== '' : value !== undefined
    if (op?.endsWith('-')) out += set ? value : word
    else if (op?.endsWith('+')) out += set ? word : ''
    else if (value !== undefined) out += value
    else if (keepUnknown) out += m[0]
    i += m[0].length
  }
  return out
}
