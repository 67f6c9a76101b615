/**
 * The Docker engine: builds through the docker CLI with BuildKit where a client can
 * (`buildkit.ts`), everything else through the engine API (dockerode, loaded only when an engine
 * run opens one). Every container, image and network it makes carries the run's label and its
 * owner's, and is registered with the janitor before it can outlive an interruption.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { Readable, Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type Dockerode from 'dockerode'
import { execa } from 'execa'
import { z } from 'zod'
import { EngineError } from '../errors.js'
import type { BuildFacts, ImageFacts } from '../model/index.js'
import { RUN_LABEL } from '../settings/index.js'
import {
  BuildClient,
  BuildkitBuilder,
  type BuildkitResult,
  type ClientEnv,
  type ClientSettings,
  clientCandidates,
  findBuildClient,
} from './buildkit.js'
import {
  dockerodeOptions,
  type EngineAddress,
  type EngineEnv,
  engineAddress,
  isConnectionError,
} from './connection.js'
import type { BuildRequest, BuildResult, Engine, Running, RunRequest } from './engine.js'
import type { Janitor } from './janitor.js'
import { OWNER_LABEL } from './owner.js'
import type { BuildWindow } from './records.js'

export interface DockerEngineOptions {
  janitor: Janitor
  /** Every image, container and network this engine makes carries `org.lessonproof.run=<runId>`. */
  runId: string
  /** This process, as `owner.ts` writes it: lets a later run tell a dead run's leftovers. */
  owner: string
  /** The environment given by the entry point: DOCKER_HOST, PATH, HOME, DOCKER_CONFIG… */
  env: EngineEnv
  /** The `docker` setting: the client builds go through. Unset: the one that can build with BuildKit. */
  docker?: string
  /** Milliseconds; injected by tests. */
  clock?: () => number
  /** A file keeping the client chosen, while the candidates are the same files: saves asking them each run. */
  clientCache?: string
}

/** How long one API call may take before the engine counts as gone. */
const API_TIMEOUT_MS = 60_000
/** How often /health is asked while the app starts. */
const POLL_MS = 100

/**
 * Opens the engine: finds the address (DOCKER_HOST strictly), the build client, pings. Throws an
 * EngineError that says where it looked when no engine answers.
 */
export async function openDockerEngine(options: DockerEngineOptions): Promise<DockerEngine> {
  const settings = options.docker ? { docker: options.docker, env: options.env } : { env: options.env }
  const [client, connected] = await Promise.all([
    (options.clientCache
      ? cachedBuildClient(settings, options.clientCache)
      : findBuildClient(settings)
    ).catch((error: Error) => error),
    connectDocker(options.env, options.docker),
  ])
  if (client instanceof Error) throw new EngineError(client.message, { cause: client })
  const { docker, address, version, os } = connected
  // The CLI that builds talks to the same engine as the API client.
  const cliEnv: ClientEnv = { ...options.env, DOCKER_HOST: address.host }
  delete cliEnv.DOCKER_CONTEXT
  const builder = new BuildkitBuilder(client, {
    runId: options.runId,
    env: cliEnv,
    ...(options.clock ? { clock: options.clock } : {}),
  })
  return new DockerEngine(docker, builder, options, { address, version, os })
}

/**
 * The build client, as chosen before while the candidate files are the same (path, size, mtime)
 * and the setting and PATH too; asked again otherwise. A cache that cannot be read or written
 * costs the asking, nothing else.
 */
async function cachedBuildClient(settings: ClientSettings, file: string): Promise<BuildClient> {
  const candidates = settings.docker
    ? [settings.docker.split(/\s+/)[0] ?? '']
    : clientCandidates(settings.env)
  const key = JSON.stringify({
    docker: settings.docker ?? null,
    path: settings.env.PATH ?? '',
    files: candidates.map((c) => {
      try {
        const info = statSync(c)
        return [c, info.size, info.mtimeMs]
      } catch {
        return [c, null]
      }
    }),
  })
  try {
    const kept = z
      .object({ key: z.string(), client: BuildClient })
      .parse(JSON.parse(readFileSync(file, 'utf8')))
    if (kept.key === key) return kept.client
  } catch {
    // None kept, or not one this version wrote: ask.
  }
  const client = await findBuildClient(settings)
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify({ key, client }))
    renameSync(`${file}.${process.pid}.tmp`, file)
  } catch {
    // Not kept: the next run asks again.
  }
  return client
}

/** The engine's API client, after it answered: where it is, its version and system. */
export async function connectDocker(
  env: EngineEnv,
  dockerSetting?: string,
): Promise<{ docker: Dockerode; address: EngineAddress; version: string; os: string }> {
  const address = await engineAddress(env, async () => {
    const file = dockerSetting?.split(/\s+/)[0] ?? 'docker'
    const r = await execa(file, ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'], {
      env,
      extendEnv: false,
      reject: false,
      timeout: 10_000,
    })
    return r.exitCode === 0 ? String(r.stdout) : undefined
  })
  const { default: Docker } = await import('dockerode')
  const docker = new Docker({ ...dockerodeOptions(address, env), timeout: API_TIMEOUT_MS })
  const where = `${address.host} (${address.source})`
  try {
    const [version, info] = (await withTimeout(Promise.all([docker.version(), docker.info()]), 15_000)) as [
      { Version: string; Os: string },
      { OperatingSystem?: string },
    ]
    return { docker, address, version: version.Version, os: info.OperatingSystem ?? version.Os }
  } catch (cause) {
    throw new EngineError(
      `no Docker engine answers at ${where}: ${firstLine(cause)}${address.source === 'DOCKER_HOST' ? ' (DOCKER_HOST is honoured as set: lessonproof does not fall back to another engine)' : ''}`,
      { cause },
    )
  }
}

export class DockerEngine implements Engine {
  private readonly labels: Record<string, string>
  /** Images this run made, to remove in one step at the end: tags and IDs, classic layers after. */
  private readonly images = new Set<string>()
  private readonly layers: string[] = []
  private network: Promise<string> | undefined
  /** When builds that ran a step (made cache records) ran: for `--prune` (records.ts). */
  readonly windows: BuildWindow[] = []
  private readonly clock: () => number
  /** Whether this machine reaches a container by its address (a local engine on Linux). */
  readonly isolates: boolean

  constructor(
    private readonly docker: Dockerode,
    readonly builder: BuildkitBuilder,
    private readonly options: DockerEngineOptions,
    readonly engine: { address: EngineAddress; version: string; os: string },
  ) {
    this.labels = { [RUN_LABEL]: options.runId, [OWNER_LABEL]: options.owner }
    this.clock = options.clock ?? Date.now
    this.isolates =
      process.platform === 'linux' &&
      engine.address.host.startsWith('unix://') &&
      !/Docker Desktop/i.test(engine.os)
    // Registered first, so it runs last: after every container using the images is gone.
    options.janitor.add(`images of run ${options.runId}`, () => this.removeImages())
  }

  /** The docker client, for the run's other parts (the sweep of dead runs, --prune). */
  get api(): Dockerode {
    return this.docker
  }

  async describe(): Promise<string> {
    return `Docker ${this.engine.version} on ${this.engine.os} at ${this.engine.address.host} (${this.engine.address.source}); builds: ${this.builder.describe()}`
  }

  /** Throws an EngineError when the engine no longer answers; used after a failure to tell a lesson's fault from the engine's. */
  async alive(): Promise<void> {
    try {
      await withTimeout(this.docker.ping(), 5_000)
    } catch (cause) {
      throw new EngineError(
        `the Docker engine at ${this.engine.address.host} stopped answering during the run: ${firstLine(cause)}`,
        { cause },
      )
    }
  }

  /** Runs an API call; a lost connection becomes an EngineError. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (isConnectionError(error)) await this.alive()
      throw error
    }
  }

  async ensureImage(ref: string, pull: boolean): Promise<{ id: string } | { missing: string }> {
    const inspect = () =>
      this.call(() => this.docker.getImage(ref).inspect()).then(
        (i) => ({ id: i.Id }),
        (error: Error) => ({ missing: firstLine(error) }),
      )
    const found = await inspect()
    if ('id' in found || !pull)
      return 'id' in found ? found : { missing: 'not in the engine, and pulling is off' }
    // Through the CLI: it pulls with the credentials of the docker config, as a reader's `docker pull` would.
    const pulled = await this.builder.cli(['pull', '--quiet', ref], 600_000)
    if (pulled.exitCode !== 0) return { missing: firstLine(pulled.stderr || pulled.stdout || 'pull failed') }
    return inspect()
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    let result = await this.buildOnce(request)
    // Another build of the same steps at the same moment on this engine (the same lesson verified
    // twice at once): BuildKit does the work once and prints those steps only in the other build's
    // log. Built again, they are in the cache and this build's log shows every one; after a pause
    // of random length, so two runs doing the same do not meet again.
    for (
      let retry = 0;
      retry < 3 && result.ok && result.builder !== 'classic' && stepsMissing(result.parsed?.steps ?? []);
      retry++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 1_200)))
      result = await this.buildOnce(request)
    }
    // A build that failed because the engine went away is no verdict on the lesson.
    if (!result.ok && !result.aborted) await this.alive()
    const out: BuildResult = { ok: result.ok, log: result.log, build: buildFacts(result, request) }
    if (result.error !== undefined) out.error = result.error
    if (result.imageId) out.imageId = result.imageId
    return out
  }

  private async buildOnce(request: BuildRequest): Promise<BuildkitResult> {
    if (this.options.janitor.closing) throw new Error('interrupted: not starting another build')
    const controller = new AbortController()
    let building: Promise<BuildkitResult> | undefined
    // Registered before the build starts: interrupted midway, the client is killed (the engine
    // then cancels the build) and nothing it made is left tagged.
    const drop = this.options.janitor.add(`build of ${request.tag}`, async () => {
      controller.abort()
      await building?.catch(() => undefined)
    })
    const start = Date.now()
    building = this.builder.build({
      ...request,
      labels: { [OWNER_LABEL]: this.options.owner },
      signal: controller.signal,
    })
    const result = await building
    drop()
    if (result.parsed?.steps.some((step) => step.status === 'done' && !step.cached))
      this.windows.push({ start, end: Date.now() })
    this.images.add(request.tag)
    if (result.imageId) this.images.add(result.imageId)
    for (const layer of result.created) if (!result.imageId?.includes(layer)) this.layers.push(layer)
    return result
  }

  async inspect(tag: string): Promise<ImageFacts> {
    const image = this.docker.getImage(tag)
    const [info, history] = (await this.call(() => Promise.all([image.inspect(), image.history()]))) as [
      {
        Id: string
        Size: number
        Config?: { Env?: string[] }
        RepoDigests?: string[]
        Os?: string
        Architecture?: string
        Variant?: string
      },
      { CreatedBy: string; Size: number }[],
    ]
    const env: Record<string, string> = {}
    for (const pair of info.Config?.Env ?? []) {
      const at = pair.indexOf('=')
      env[at === -1 ? pair : pair.slice(0, at)] = at === -1 ? '' : pair.slice(at + 1)
    }
    return {
      id: info.Id,
      size: info.Size,
      env,
      layers: history.map((h) => ({ createdBy: h.CreatedBy, size: h.Size })),
      repoDigests: info.RepoDigests ?? [],
      ...(info.Os && info.Architecture
        ? {
            platform: {
              os: info.Os,
              architecture: info.Architecture,
              ...(info.Variant ? { variant: info.Variant } : {}),
            },
          }
        : {}),
    }
  }

  async pathsExist(image: string, paths: string[]): Promise<Record<string, boolean>> {
    // A created, never started container: its file system can be asked without a shell in the image.
    const { container, remove, drop } = await this.createTracked({
      Image: image,
      Cmd: ['/lessonproof-never-runs'],
      Entrypoint: [],
      Labels: this.labels,
      NetworkDisabled: true,
      HostConfig: { NetworkMode: 'none' },
    })
    try {
      const found = await Promise.all(
        paths.map((path) =>
          container.infoArchive({ path }).then(
            () => true,
            () => false,
          ),
        ),
      )
      return Object.fromEntries(paths.map((path, i) => [path, found[i] ?? false]))
    } finally {
      await remove()
      drop()
    }
  }

  /**
   * Creates a container the janitor knows of before the engine is asked for it: an interruption
   * while it is made, or at any time after, removes it with its volumes (an image that declares
   * VOLUME gets anonymous ones at create time). `remove` removes it; `drop` then forgets it.
   */
  private async createTracked(
    options: Dockerode.ContainerCreateOptions,
  ): Promise<{ container: Dockerode.Container; remove: () => Promise<void>; drop: () => void }> {
    const creating = this.call(() => this.docker.createContainer(options))
    let id = ''
    const remove = async () => {
      const made = await creating.catch(() => undefined)
      if (made) await made.remove({ force: true, v: true }).catch(ignoreGone)
    }
    const drop = this.options.janitor.add(
      () =>
        id
          ? `container ${id} of ${options.Image} (docker rm -f -v ${id})`
          : `a container of ${options.Image} (docker rm -f -v $(docker ps -aq --filter label=${RUN_LABEL}=${this.options.runId}))`,
      remove,
    )
    try {
      const container = await creating
      id = container.id.slice(0, 12)
      return { container, remove, drop }
    } catch (error) {
      drop()
      throw error
    }
  }

  /** The run's own network: internal, so an app reaches nothing beyond this machine. */
  private isolatedNetwork(): Promise<string> {
    this.network ??= (async () => {
      const name = `lessonproof-${this.options.runId}`
      // Known to the janitor before it is asked for: an interruption while the engine makes it
      // waits for it and removes it, rather than leaving it behind.
      const creating = this.call(() =>
        this.docker.createNetwork({ Name: name, Internal: true, Labels: this.labels, CheckDuplicate: true }),
      )
      this.options.janitor.add(`network ${name} (docker network rm ${name})`, async () => {
        const network = await creating.catch(() => undefined)
        if (network) await network.remove().catch(ignoreGone)
      })
      await creating
      return name
    })()
    return this.network
  }

  async run(request: RunRequest): Promise<Running> {
    const janitor = this.options.janitor
    if (janitor.closing) throw new Error('interrupted: not starting another container')
    const isolated = !request.outbound && this.isolates
    const notes: string[] = []
    if (request.outbound)
      notes.push('the lesson declares that its app needs the network: outbound traffic is open')
    else if (!isolated)
      notes.push(
        `outbound network open: this machine cannot reach a container of ${this.engine.address.host} by its address, so its port is published on 127.0.0.1 through the default bridge`,
      )
    const network = isolated ? await this.isolatedNetwork() : undefined
    const port = `${request.port}/tcp`
    // Tracked from before it exists, so an interruption during the /health wait removes it too.
    const {
      container,
      remove: stop,
      drop,
    } = await this.createTracked({
      Image: request.image,
      Labels: this.labels,
      ExposedPorts: { [port]: {} },
      HostConfig: {
        Memory: request.memoryBytes,
        // Swap equal to memory: no swap beyond the limit.
        MemorySwap: request.memoryBytes,
        NanoCpus: Math.round(request.cpus * 1e9),
        PidsLimit: request.pidsLimit,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Privileged: false,
        NetworkMode: network ?? 'bridge',
        ...(network ? {} : { PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: '' }] } }),
        ...(request.volume
          ? { Binds: [`${request.volume.hostDir}:${request.volume.containerPath}:rw`] }
          : {}),
      },
    })
    try {
      await this.call(() => container.start())
      const info = await this.call(() => container.inspect())
      const address = network
        ? `${info.NetworkSettings.Networks[network]?.IPAddress}:${request.port}`
        : `127.0.0.1:${info.NetworkSettings.Ports[port]?.[0]?.HostPort}`
      const baseUrl = `http://${address}`
      await this.waitForHealth(container, `${baseUrl}${request.healthPath}`, request)
      return {
        baseUrl,
        notes,
        stop: async () => {
          await stop()
          drop()
        },
      }
    } catch (error) {
      // Removed now if the engine lets it; else the janitor's task stays, to say what is left.
      if (
        await stop().then(
          () => true,
          () => false,
        )
      )
        drop()
      throw error
    }
  }

  /** Asks /health until it answers 2xx, the container ends, the run is interrupted, or time is up. */
  private async waitForHealth(
    container: Dockerode.Container,
    url: string,
    request: RunRequest,
  ): Promise<void> {
    const started = this.clock()
    let last = 'no answer yet'
    let polls = 0
    for (;;) {
      if (this.options.janitor.closing) throw new Error('interrupted while waiting for /health')
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) })
        await response.arrayBuffer()
        if (response.status >= 200 && response.status < 300) return
        last = `HTTP ${response.status}`
      } catch (error) {
        last = firstLine((error as Error & { cause?: unknown }).cause ?? error)
      }
      // Every second: has the app ended (crashed, killed for memory)?
      if (polls++ % 10 === 0) {
        const state = (await this.call(() => container.inspect())).State
        if (!state.Running)
          throw new Error(
            `the app exited (code ${state.ExitCode}${state.OOMKilled ? ', killed for using more than its memory limit' : ''}) before ${request.healthPath} answered${await this.output(container)}`,
          )
      }
      const waited = this.clock() - started
      if (waited >= request.healthTimeoutMs)
        throw new Error(
          `${request.healthPath} did not answer 2xx within ${Math.round(request.healthTimeoutMs / 1000)} s (last: ${last})${await this.output(container)}`,
        )
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, request.healthTimeoutMs - waited)))
    }
  }

  /** The container's last lines of output, on one line, for a failure's reason. */
  private async output(container: Dockerode.Container): Promise<string> {
    const buffer = (await container
      .logs({ stdout: true, stderr: true, tail: 5 })
      .catch(() => Buffer.from(''))) as Buffer
    const lines = (await demultiplexed(this.docker, buffer))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
    return lines.length > 0 ? `; its last output: ${lines.slice(-5).join(' / ')}` : '; it printed nothing'
  }

  /**
   * Removes the run's images in one step: tags and image IDs at once, then the classic builder's
   * layers children first. BuildKit's cache is left as it is, so the next run builds warm.
   */
  private async removeImages(): Promise<void> {
    const remove = async (ref: string): Promise<boolean> => {
      try {
        await this.docker.getImage(ref).remove({ force: false, noprune: false })
        return true
      } catch (error) {
        return isGone(error)
      }
    }
    // Tags first (an ID with two of this run's tags goes with the last), then the IDs left. Two
    // tags of one image removed at once can clash in the engine: what failed is tried again alone.
    const refs = [...this.images]
    this.images.clear()
    const tags = refs.filter((r) => !r.startsWith('sha256:'))
    const ids = refs.filter((r) => r.startsWith('sha256:'))
    const failed: string[] = []
    for (const group of [tags, ids]) {
      const results = await Promise.all(group.map(remove))
      for (const [i, ref] of group.entries()) if (!results[i] && !(await remove(ref))) failed.push(ref)
    }
    for (const layer of this.layers.splice(0)) if (!(await remove(layer))) failed.push(layer)
    if (failed.length > 0) throw new Error(`images ${failed.join(', ')} (docker rmi ${failed.join(' ')})`)
  }
}

/**
 * Whether a BuildKit log leaves out steps of a stage it shows: `[1/6]` printed without `[2/6]`…
 * `[6/6]`. A stage the target does not need is not shown at all, which is no gap.
 */
export function stepsMissing(steps: { stage?: string | undefined; index: number; total: number }[]): boolean {
  const seen = new Map<string, { total: number; indices: Set<number> }>()
  for (const step of steps) {
    if (step.total <= 0) continue
    const key = step.stage ?? ''
    const stage = seen.get(key) ?? { total: step.total, indices: new Set<number>() }
    stage.indices.add(step.index)
    seen.set(key, stage)
  }
  for (const stage of seen.values())
    for (let i = 1; i <= stage.total; i++) if (!stage.indices.has(i)) return true
  return false
}

/** The builder's result as facts: its steps with the durations and times the log gives. */
export function buildFacts(result: BuildkitResult, request: BuildRequest): BuildFacts {
  const facts: BuildFacts = {
    builder: result.builder,
    seconds: Math.round(result.seconds * 1000) / 1000,
    steps: (result.parsed?.steps ?? []).map((step, i) => {
      const timing =
        result.builder === 'classic'
          ? result.timings[i]
          : result.timings.find((t) => t.index === step.index && t.stage === step.stage)
      return {
        ...(step.stage ? { stage: step.stage } : {}),
        index: step.index,
        total: step.total,
        instruction: step.instruction,
        keyword: step.keyword,
        cached: step.cached,
        status: step.status,
        ...(step.seconds === undefined ? {} : { seconds: step.seconds }),
        ...(timing ? { start: timing.start } : {}),
        ...(timing?.end === undefined ? {} : { end: timing.end }),
      }
    }),
  }
  if (result.note) facts.note = result.note
  if (request.noCache) facts.noCache = true
  return facts
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'no message'
  )
}

function isGone(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404
}

function ignoreGone(error: unknown): void {
  if (!isGone(error)) throw error
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A container's logs as text: docker-modem splits the multiplexed stdout/stderr frames. */
async function demultiplexed(docker: Dockerode, buffer: Buffer): Promise<string> {
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk)
      done()
    },
  })
  const source = Readable.from([buffer])
  docker.modem.demuxStream(source, sink, sink)
  await finished(source)
  return Buffer.concat(chunks).toString('utf8')
}
