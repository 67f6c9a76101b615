/**
 * Builds through the docker CLI, with BuildKit where a client can: `docker buildx build`, or
 * `DOCKER_BUILDKIT=1 docker build` on a client with BuildKit built in (the 20.10 client Debian's
 * docker.io installs at /usr/bin/docker). The newer CLI often first on PATH has no buildx plugin and
 * then cannot build with BuildKit at all, so the client is chosen by asking each candidate, and
 * the choice is said with its reason. Without any, builds fall back to the classic builder and
 * every result says so.
 *
 * Through the CLI rather than the engine API: the log is the one a reader sees (`--progress=plain`),
 * BuildKit's session (context upload, cancellation) is the CLI's own, and a killed client makes
 * the engine cancel the solve.
 */

import { accessSync, constants, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, isAbsolute, join } from 'node:path'
import { execa } from 'execa'
import { z } from 'zod'
import { type BuildLog, parseBuildLog, stepLabel } from '../buildlog/index.js'
import type { BuildRequest } from './engine.js'

/** The environment the docker CLI runs with: given whole, never read from or written to process.env here. */
export type ClientEnv = Record<string, string | undefined>

export interface ClientSettings {
  /**
   * The `docker` setting: a client to use, as a path or a command (`/usr/bin/docker`, `docker`).
   * The CLI maps `LESSONPROOF_DOCKER` and `--docker` onto it. Unset: the candidates are asked.
   */
  docker?: string
  /** PATH, HOME, DOCKER_HOST, DOCKER_CONFIG…: what the client gets, and where `docker` is looked up. */
  env: ClientEnv
}

/** The docker client builds go through, and why it was chosen. */
export const BuildClient = z.object({
  /** `buildx`: `docker buildx build`; `buildkit`: `DOCKER_BUILDKIT=1 docker build`; `classic`: the classic builder. */
  builder: z.enum(['buildx', 'buildkit', 'classic']),
  /** The executable. @example "/usr/bin/docker" */
  file: z.string(),
  /** Words the `docker` setting gives after the executable, before any docker command. */
  prefix: z.array(z.string()),
  /** The build command. @example ["buildx", "build", "--load"] */
  build: z.array(z.string()),
  /** Variables set for the client on top of the environment. @example { DOCKER_BUILDKIT: "1" } */
  env: z.record(z.string(), z.string()),
  /** The client's version. @example "20.10.24+dfsg1" */
  version: z.string(),
  /** What was asked of which client, and what answered. */
  reason: z.string(),
  /** Said on every result when the builds cannot use BuildKit. */
  note: z.string().optional(),
})
export type BuildClient = z.infer<typeof BuildClient>

/** Runs a client briefly: did it exit 0, what did it print, or could it not start at all. Injected by tests. */
export type Probe = (
  file: string,
  args: string[],
  env: ClientEnv,
) => Promise<{ ok: boolean; output: string; missing?: boolean }>

const probeWithExeca: Probe = async (file, args, env) => {
  const result = await execa(file, args, { env, extendEnv: false, reject: false, timeout: 15_000, all: true })
  if (result.exitCode === undefined) return { ok: false, output: result.shortMessage ?? '', missing: true }
  return { ok: result.exitCode === 0, output: String(result.all ?? '').trim() }
}

/** Where a client is looked for when none is named: PATH first, then where Debian's docker.io puts its own. */
const KNOWN_CLIENTS = ['/usr/bin/docker', '/usr/local/bin/docker']

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Every `docker` on PATH, then the known places; each executable once. */
export function clientCandidates(env: ClientEnv, exists: (path: string) => boolean = executable): string[] {
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'docker'))
  const seen = new Set<string>()
  const found: string[] = []
  for (const path of [...onPath, ...KNOWN_CLIENTS]) {
    if (!exists(path)) continue
    let real = path
    try {
      real = realpathSync(path)
    } catch {
      // A path the tests make up: compare it as given.
    }
    if (seen.has(real)) continue
    seen.add(real)
    found.push(path)
  }
  return found
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.replace(/^ERROR:\s*/, '').trim())
      .find(Boolean) ?? 'no output'
  )
}

/**
 * Chooses the client: the `docker` setting when given, else the first candidate that can build
 * with BuildKit (`buildx version` answers, or `DOCKER_BUILDKIT=1 docker build --help` does). Falls
 * back to the classic builder, with a note, when none can. Throws when no client exists at all.
 */
export async function findBuildClient(
  settings: ClientSettings,
  probe: Probe = probeWithExeca,
): Promise<BuildClient> {
  const named = settings.docker?.trim()
  const words = named ? named.split(/\s+/) : []
  const candidates = named ? [words[0] ?? named] : clientCandidates(settings.env)
  const prefix = words.slice(1)
  if (candidates.length === 0)
    throw new Error(
      `no docker client found: looked for docker on PATH (${settings.env.PATH ?? 'unset'}) and at ${KNOWN_CLIENTS.join(', ')}`,
    )
  // Every candidate is asked at once (a few short-lived processes); the first that can build wins.
  const answers = await Promise.all(
    candidates.map(async (file) => {
      const [version, buildx, builtIn] = await Promise.all([
        // The client prints its own version even when no engine answers (and then exits 1).
        probe(file, [...prefix, 'version', '--format', '{{.Client.Version}}'], settings.env),
        probe(file, [...prefix, 'buildx', 'version'], settings.env),
        probe(file, [...prefix, 'build', '--help'], { ...settings.env, DOCKER_BUILDKIT: '1' }),
      ])
      const client = version.output
        .split('\n')
        .find((l) => /^\d+\.\d+/.test(l.trim()))
        ?.trim()
      return { file, client: client ?? 'unknown version', missing: version.missing === true, buildx, builtIn }
    }),
  )
  if (named && answers[0]?.missing)
    throw new Error(
      `the docker setting names ${named}, which does not run: ${firstLine(answers[0].buildx.output)}`,
    )
  const tried: string[] = []
  for (const { file, client, buildx, builtIn } of answers) {
    if (buildx.ok)
      return {
        builder: 'buildx',
        file,
        prefix,
        build: ['buildx', 'build', '--load'],
        env: {},
        version: client,
        reason: [
          ...tried,
          `${file} (client ${client}): docker buildx answers (${firstLine(buildx.output)})`,
        ].join('; '),
      }
    if (builtIn.ok)
      return {
        builder: 'buildkit',
        file,
        prefix,
        build: ['build'],
        env: { DOCKER_BUILDKIT: '1' },
        version: client,
        reason: [
          ...tried,
          `${file} (client ${client}): no buildx plugin, BuildKit built in (DOCKER_BUILDKIT=1 docker build answers)`,
        ].join('; '),
      }
    tried.push(`${file} (client ${client}) cannot build with BuildKit: ${firstLine(builtIn.output)}`)
  }
  const file = candidates[0] ?? 'docker'
  const reason = `${named ? `the docker setting names ${named}; ` : ''}${tried.join('; ')}`
  return {
    builder: 'classic',
    file,
    prefix,
    build: ['build'],
    env: { DOCKER_BUILDKIT: '0' },
    version: answers[0]?.client ?? 'unknown version',
    reason,
    note: `built with the classic builder: no BuildKit-capable docker client (${reason})`,
  }
}

export interface BuildkitRequest extends BuildRequest {
  /** `--target`. */
  target?: string
  /** More labels; every image also gets `org.lessonproof.run=<runId>`. */
  labels?: Record<string, string>
  /** `--build-arg NAME=VALUE`. */
  buildArgs?: Record<string, string>
  /** `--no-cache`. */
  noCache?: boolean
  /** Aborting kills the client; the engine then cancels the build. */
  signal?: AbortSignal
}

/** When a step's lines arrived: seconds from the start of the build. */
export interface StepTiming {
  /** As the log labels it. @example "[left 2/2] RUN sleep 2" */
  label: string
  stage?: string
  index: number
  start: number
  /** When its DONE/CACHED/ERROR line arrived; absent if it never did. */
  end?: number
}

export interface BuildkitResult {
  ok: boolean
  /** Why it failed, as the engine says it. */
  error?: string
  /** The build's output, as the client printed it. */
  log: string
  /** Wall time of the build. */
  seconds: number
  /** Images this build created (the image and, with the classic builder, its layers), children first. */
  created: string[]
  builder: BuildClient['builder']
  /** Set when the build could not use BuildKit. */
  note?: string
  /** The log read into steps; absent when it is no build log (the client failed before building). */
  parsed?: BuildLog
  /** Each numbered step's wall-clock start and end, as its lines arrived: parallel stages overlap. */
  timings: StepTiming[]
  /** The image built (`--iidfile`). */
  imageId?: string
  /** The build was aborted or timed out, and nothing it made was left tagged. */
  aborted: boolean
}

export interface BuilderOptions {
  /** Labels every image `org.lessonproof.run=<runId>`, which is what cleaning up goes by. */
  runId: string
  env: ClientEnv
  /** Milliseconds; injected by tests. */
  clock?: () => number
}

const RUN_LABEL = 'org.lessonproof.run'

/** Builds images with the chosen client. */
export class BuildkitBuilder {
  private readonly clock: () => number

  constructor(
    readonly client: BuildClient,
    private readonly options: BuilderOptions,
  ) {
    this.clock = options.clock ?? Date.now
  }

  /** The engine's version, or throws with what the client says when no engine answers. */
  async engineVersion(): Promise<string> {
    const result = await this.docker(['version', '--format', '{{.Server.Version}}'])
    const version = String(result.stdout).trim()
    if (result.exitCode !== 0 || version === '')
      throw new Error(`no Docker engine answers ${this.client.file}: ${firstLine(String(result.stderr))}`)
    return version
  }

  /** Which client builds, and why: for the run's header. */
  describe(): string {
    const how =
      this.client.builder === 'buildx'
        ? `${this.client.file} buildx build`
        : this.client.builder === 'buildkit'
          ? `DOCKER_BUILDKIT=1 ${this.client.file} build`
          : `${this.client.file} build (classic builder)`
    return `${how}: ${this.client.reason}`
  }

  /** The docker CLI arguments of a build. */
  argsFor(request: BuildkitRequest, iidfile: string): string[] {
    // The CLI reads -f from its working directory; a request names the Dockerfile within the context.
    const dockerfile = isAbsolute(request.dockerfile)
      ? request.dockerfile
      : join(request.contextDir, request.dockerfile)
    const args = [
      ...this.client.prefix,
      ...this.client.build,
      '-f',
      dockerfile,
      '-t',
      request.tag,
      '--iidfile',
      iidfile,
    ]
    if (this.client.builder === 'classic') args.push('--force-rm')
    else args.push('--progress=plain')
    const labels = { ...request.labels, [RUN_LABEL]: this.options.runId }
    for (const [k, v] of Object.entries(labels)) args.push('--label', `${k}=${v}`)
    for (const [k, v] of Object.entries(request.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`)
    if (request.target) args.push('--target', request.target)
    if (request.noCache) args.push('--no-cache')
    args.push(request.contextDir)
    return args
  }

  async build(request: BuildkitRequest): Promise<BuildkitResult> {
    const dir = mkdtempSync(join(tmpdir(), `lessonproof-${this.options.runId}-iid-`))
    const iidfile = join(dir, 'iid')
    const env = { ...this.options.env, ...this.client.env }
    const started = this.clock()
    const lines: string[] = []
    const arrivals = new Arrivals()
    try {
      const subprocess = execa(this.client.file, this.argsFor(request, iidfile), {
        env,
        extendEnv: false,
        reject: false,
        all: true,
        buffer: false,
        stdin: 'ignore',
        timeout: request.timeoutMs,
        ...(request.signal ? { cancelSignal: request.signal } : {}),
        forceKillAfterDelay: 5_000,
      })
      for await (const line of subprocess.iterable({ from: 'all' })) {
        const text = String(line)
        lines.push(text)
        arrivals.add(text, Math.round(this.clock() - started) / 1000)
      }
      const outcome = await subprocess
      const seconds = (this.clock() - started) / 1000
      const log = lines.join('\n')
      const parsed = parse(log, this.client.builder === 'classic' ? 'classic' : 'plain')
      const imageId = readIid(iidfile)
      const interrupted = outcome.isCanceled || outcome.timedOut
      if (interrupted) await this.untag(request.tag, started)
      const ok = outcome.exitCode === 0 && !interrupted
      const result: BuildkitResult = {
        ok,
        log,
        seconds,
        created: this.created(lines, ok ? imageId : undefined),
        builder: this.client.builder,
        timings: parsed ? arrivals.timings(parsed, this.client.builder === 'classic') : [],
        aborted: interrupted,
      }
      if (parsed) result.parsed = parsed
      if (imageId && ok) result.imageId = imageId
      if (this.client.note) result.note = this.client.note
      if (!ok)
        result.error = outcome.timedOut
          ? `build did not finish within ${request.timeoutMs / 1000} s`
          : outcome.isCanceled
            ? 'build aborted'
            : failureText(parsed, lines)
      return result
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  /** What to remove afterwards, children first: the image, and the layers a classic build made. */
  private created(lines: string[], imageId: string | undefined): string[] {
    const ids = imageId ? [imageId] : []
    if (this.client.builder !== 'classic') return ids
    const layers = classicLayers(lines).reverse()
    return [...ids.filter((id) => !layers.some((l) => id.replace(/^sha256:/, '').startsWith(l))), ...layers]
  }

  /** docker with the setting's words, for a command other than the build (a pull, say). */
  async cli(args: string[], timeoutMs = 60_000) {
    const env = { ...this.options.env, ...this.client.env }
    return execa(this.client.file, [...this.client.prefix, ...args], {
      env,
      extendEnv: false,
      reject: false,
      timeout: timeoutMs,
      stdin: 'ignore',
    })
  }

  private async docker(args: string[]) {
    return this.cli(args)
  }

  /** An interrupted build may still have named its image: remove the tag if this run's build made it. */
  private async untag(tag: string, startedMs: number): Promise<void> {
    const inspect = await this.docker([
      'image',
      'inspect',
      '--format',
      '{{json .Config.Labels}} {{.Created}}',
      tag,
    ])
    if (inspect.exitCode !== 0) return
    const [labels = '{}', created = ''] = String(inspect.stdout).split(' ')
    const ours = (JSON.parse(labels) as Record<string, string> | null)?.[RUN_LABEL] === this.options.runId
    // A cached rebuild of an image this run made earlier keeps that image's time: it stays.
    if (ours && Date.parse(created) >= startedMs - 1000) await this.docker(['image', 'rm', tag])
  }
}

function parse(log: string, shape: 'plain' | 'classic'): BuildLog | undefined {
  try {
    return parseBuildLog(log, shape)
  } catch {
    return undefined
  }
}

function readIid(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}

/** The engine's message: the failing step, the message, the step's last lines. */
export function failureText(parsed: BuildLog | undefined, lines: string[]): string {
  const failure = parsed?.failure
  if (!failure) {
    const tail = lines.filter((l) => l.trim() !== '').slice(-5)
    return tail.join('\n') || 'the build failed without a message'
  }
  const head = failure.step ? `${failure.step}: ${failure.message}` : failure.message
  const output = failure.output.slice(-5).map((l) => `  ${l}`)
  return [head, ...output].join('\n')
}

/** Layers the classic builder made: the ` ---> <id>` closing each step it ran (not FROM's base, not a cached step). */
export function classicLayers(lines: string[]): string[] {
  const made: string[] = []
  let keyword = ''
  let cached = false
  for (const line of lines) {
    const step = /^Step \d+\/\d+ : (\S+)/.exec(line)
    if (step) {
      keyword = (step[1] ?? '').toUpperCase()
      cached = false
    } else if (line === ' ---> Using cache') cached = true
    else {
      const id = /^ ---> ([0-9a-f]{12})$/.exec(line)?.[1]
      if (id && keyword !== 'FROM' && !cached) made.push(id)
    }
  }
  return made
}

/**
 * When each step ran, from when its lines arrived. BuildKit's plain printer shows one running
 * vertex at a time and holds another's lines back (up to 5-10 s) while it does, but prints a
 * vertex as soon as it completes: so a step ends when its DONE line arrives, and started the
 * duration that line gives before. A step without a duration (CACHED, ERROR) spans from its first
 * line to its last. The classic builder runs one step at a time: each runs until the next begins.
 */
class Arrivals {
  private readonly starts = new Map<number, number>()
  private readonly ends = new Map<number, number>()
  private readonly classic: { start: number; end?: number }[] = []

  add(line: string, at: number): void {
    const plain = /^#(\d+) (.*)$/.exec(line)
    if (plain) {
      const n = Number(plain[1])
      if (!this.starts.has(n)) this.starts.set(n, at)
      if (/^(DONE \d|CACHED$|ERROR|CANCELED)/.test(plain[2] ?? '')) this.ends.set(n, at)
      return
    }
    const step = /^Step \d+\/\d+ : /.test(line)
    if (step || /^Successfully built /.test(line)) {
      const previous = this.classic.at(-1)
      if (previous && previous.end === undefined) previous.end = at
    }
    if (step) this.classic.push({ start: at })
  }

  timings(parsed: BuildLog, classic: boolean): StepTiming[] {
    return parsed.steps.flatMap((step, i) => {
      const base = { label: `${stepLabel(step)} ${step.instruction}`, index: step.index }
      const named = step.stage ? { ...base, stage: step.stage } : base
      const seen = classic ? this.classic[i] : this.ofVertex(step.vertex)
      if (!seen) return []
      if (seen.end === undefined) return [{ ...named, start: seen.start }]
      const start = !classic && step.seconds !== undefined ? Math.max(0, seen.end - step.seconds) : seen.start
      return [{ ...named, start, end: seen.end }]
    })
  }

  private ofVertex(vertex: number | undefined): { start: number; end?: number } | undefined {
    if (vertex === undefined) return undefined
    const start = this.starts.get(vertex)
    if (start === undefined) return undefined
    const end = this.ends.get(vertex)
    return end === undefined ? { start } : { start, end }
  }
}
