import { Readable, Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { stripVTControlCharacters } from 'node:util'
import type Dockerode from 'dockerode'
import {
  GenericContainer,
  getContainerRuntimeClient,
  ImageName,
  type StartedTestContainer,
  Wait,
} from 'testcontainers'
import type { ImageFacts } from '../model/index.js'
import { RUN_LABEL } from '../settings/index.js'
import type { BuildRequest, BuildResult, Engine, Running, RunRequest } from './engine.js'
import type { Janitor } from './janitor.js'

/** Publishes every exposed port on 127.0.0.1 only, drops capabilities, forbids privilege gain. */
class ConfinedContainer extends GenericContainer {
  protected override async beforeContainerCreated(): Promise<void> {
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {})) {
      for (const binding of bindings as { HostIp?: string }[]) binding.HostIp = '127.0.0.1'
    }
    this.hostConfig.CapDrop = ['ALL']
    this.hostConfig.SecurityOpt = [...(this.hostConfig.SecurityOpt ?? []), 'no-new-privileges']
    this.hostConfig.Privileged = false
  }
}

/** The 12-hex-digit ID a build log and `docker images` print. */
function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12)
}

/**
 * The build's output as lines: colour codes (the builder wraps a step's stderr in them, and a
 * code may be split across two events) dropped from the whole text, empty lines left out.
 */
export function logLines(raw: string): string[] {
  return stripVTControlCharacters(raw)
    .split('\n')
    .filter((l) => l.trim() !== '')
}

/**
 * Images a classic-builder log says the build made: the " ---> 1a2b3c" closing each step,
 * except a FROM step's (the base image, never ours to remove) and a step taken from the cache.
 */
export function imagesCreated(lines: string[]): string[] {
  const created: string[] = []
  let step = ''
  let usingCache = false
  for (const line of lines) {
    const header = /^Step \d+\/\d+ : (\S+)/.exec(line)
    if (header) {
      step = (header[1] ?? '').toUpperCase()
      usingCache = false
      continue
    }
    if (/^ ---> Using cache/.test(line)) usingCache = true
    const id = /^ ---> ([0-9a-f]{12})$/.exec(line)?.[1]
    if (id && step !== 'FROM' && !usingCache) created.push(id)
  }
  return created
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

/**
 * The engine testcontainers finds (DOCKER_HOST, the socket, or its config). Builds go
 * through the same dockerode client, with the classic builder, so the log is plain text.
 */
export class DockerEngine implements Engine {
  /** Images the engine had before this run: never removed, whatever a build log says. */
  private before: Promise<Set<string>> | undefined
  /** A build was still running when the run was cleaned up (interrupted or timed out). */
  private aborted = false
  private readonly labels: Record<string, string>

  constructor(
    private readonly janitor: Janitor,
    /** Every image and container this engine makes carries the run's label. */
    private readonly runId: string,
  ) {
    this.labels = { [RUN_LABEL]: runId }
    // Registered first, so it runs last: after every build was aborted or finished.
    janitor.add(`images labelled ${RUN_LABEL}=${runId}`, () => this.sweep())
  }

  private async existing(): Promise<Set<string>> {
    this.before ??= this.docker().then(async (docker) => {
      const images = await docker.listImages({ all: true })
      return new Set(images.map((i) => shortId(i.Id)))
    })
    return this.before
  }

  private async docker(): Promise<Dockerode> {
    return (await getContainerRuntimeClient()).container.dockerode
  }

  async describe(): Promise<string> {
    const client = await getContainerRuntimeClient()
    const runtime = client.info.containerRuntime
    return `Docker ${runtime.serverVersion} on ${runtime.operatingSystem} (${runtime.remoteSocketPath || runtime.host})`
  }

  async ensureImage(ref: string, pull: boolean): Promise<{ id: string } | { missing: string }> {
    const { image } = await getContainerRuntimeClient()
    const name = ImageName.fromString(ref)
    if (!(await image.exists(name))) {
      if (!pull) return { missing: 'not in the engine, and pulling is off' }
      try {
        // With the credentials of the Docker config, as `docker pull` would; fails fast where no registry answers.
        await image.pull(name)
      } catch (error) {
        return { missing: (error as Error).message.split('\n')[0] ?? 'pull failed' }
      }
    }
    try {
      return { id: (await image.inspect(name)).Id }
    } catch (error) {
      return { missing: (error as Error).message.split('\n')[0] ?? 'not found after pulling' }
    }
  }

  async build(request: BuildRequest): Promise<BuildResult> {
    if (this.janitor.closing) throw new Error('interrupted: not starting another build')
    const docker = await this.docker()
    const before = await this.existing()
    const started = Date.now()
    let finished = false
    const lines: string[] = []
    let pending = ''
    let failure: string | undefined
    const stream = await docker.buildImage(
      { context: request.contextDir, src: ['.'] },
      { t: request.tag, dockerfile: request.dockerfile, rm: true, forcerm: true, labels: this.labels },
    )
    // Registered before the build runs: interrupted midway, the build is aborted and the
    // images of the steps it finished (read from its log so far) are removed too.
    this.janitor.add(`build of ${request.tag}`, async () => {
      ;(stream as unknown as { destroy?: () => void }).destroy?.()
      await this.abortBuild(lines, finished)
      await this.removeImages([
        request.tag,
        ...imagesCreated(lines)
          .filter((id) => !before.has(id))
          .reverse(),
      ])
    })
    const done = new Promise<void>((resolve) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => {
          if (err) failure = err.message
          resolve()
        },
        (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
          if (event.error) {
            failure = event.errorDetail?.message ?? event.error
            pending += `\n${failure}\n`
          }
          // Whole lines only: a colour code can be split across two events.
          const parts = `${pending}${event.stream ?? ''}`.split('\n')
          pending = parts.pop() ?? ''
          lines.push(...logLines(parts.join('\n')))
        },
      )
    })
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        failure = `build did not finish within ${Math.round(request.timeoutMs / 1000)} s`
        ;(stream as unknown as { destroy?: () => void }).destroy?.()
        resolve()
      }, request.timeoutMs)
    })
    await Promise.race([done, timeout])
    clearTimeout(timer)
    finished = failure === undefined || !failure.startsWith('build did not finish')
    lines.push(...logLines(pending))
    const result: BuildResult = {
      ok: failure === undefined,
      log: lines.join('\n'),
      seconds: (Date.now() - started) / 1000,
      created: imagesCreated(lines).filter((id) => !before.has(id)),
    }
    if (failure !== undefined) result.error = failure
    return result
  }

  /**
   * The classic builder goes on with a step after its client has gone: remove the step's
   * container (the build then stops), and let the sweep wait for what it still commits.
   */
  private async abortBuild(lines: string[], finished: boolean): Promise<void> {
    if (!finished) this.aborted = true
    const docker = await this.docker()
    for (const line of lines) {
      const running = /^ ---> Running in ([0-9a-f]{12})/.exec(line)?.[1]
      if (running)
        await docker
          .getContainer(running)
          .remove({ force: true })
          .catch(() => undefined)
    }
  }

  /**
   * After an aborted build, removes the images that carry this run's label or tag, as the
   * daemon finishes the steps it had begun: until the engine has been quiet for a moment, at
   * most 30 s. Never an image by inference: another user's untagged images are not ours.
   */
  private async sweep(): Promise<void> {
    if (!this.aborted) return
    const docker = await this.docker()
    const label = `${RUN_LABEL}=${this.runId}`
    const prefix = `lessonproof-${this.runId}-`
    let quiet = 0
    for (let round = 0; round < 120 && quiet < 3; round++) {
      const labelled = await docker.listImages({ all: true, filters: { label: [label] } })
      const tagged = (await docker.listImages()).filter((i) =>
        (i.RepoTags ?? []).some((t) => t.startsWith(prefix)),
      )
      const ours = [...new Map([...labelled, ...tagged].map((i) => [i.Id, i])).values()]
      for (const image of ours) {
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined)
      }
      quiet = ours.length === 0 ? quiet + 1 : 0
      if (quiet < 3) await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }

  async inspect(tag: string): Promise<ImageFacts> {
    const docker = await this.docker()
    const image = docker.getImage(tag)
    const [info, history] = (await Promise.all([image.inspect(), image.history()])) as [
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
    const docker = await this.docker()
    // A created, never started container: its file system can be asked without a shell in the image.
    const container = await docker.createContainer({
      Image: image,
      Cmd: ['/lessonproof-never-runs'],
      Entrypoint: [],
      Labels: this.labels,
    })
    const remove = () => container.remove({ force: true }).catch(() => undefined)
    this.janitor.add(`container ${container.id.slice(0, 12)}`, remove)
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
    }
  }

  async run(request: RunRequest): Promise<Running> {
    if (this.janitor.closing) throw new Error('interrupted: not starting another container')
    let container = new ConfinedContainer(request.image)
      .withLabels(this.labels)
      .withExposedPorts(request.port)
      .withResourcesQuota({ memory: request.memoryBytes / 1024 ** 3, cpu: request.cpus })
      .withWaitStrategy(
        Wait.forHttp(request.healthPath, request.port).forStatusCodeMatching((s) => s >= 200 && s < 300),
      )
      .withStartupTimeout(request.healthTimeoutMs)
    if (request.volume) {
      container = container.withBindMounts([
        { source: request.volume.hostDir, target: request.volume.containerPath, mode: 'rw' },
      ])
    }
    let started: StartedTestContainer
    try {
      started = await container.start()
    } catch (error) {
      const logs = await this.logsOfFailed(request.image)
      throw new Error(
        `${(error as Error).message.split('\n')[0]}${logs ? `\ncontainer output:\n${logs}` : ''}`,
        { cause: error },
      )
    }
    // Killed at once: the app has nothing to flush, and a server running as PID 1 without a
    // SIGTERM handler would make a graceful stop wait out its whole timeout.
    const stop = async () => {
      await started.stop({ remove: true, removeVolumes: true, timeout: 0 }).catch(() => undefined)
    }
    this.janitor.add(`container of ${request.image}`, stop)
    return {
      baseUrl: `http://127.0.0.1:${started.getMappedPort(request.port)}`,
      stop,
    }
  }

  /** The output of the last container of an image that failed to start, then removes it. */
  private async logsOfFailed(image: string): Promise<string> {
    const docker = await this.docker()
    const containers = await docker.listContainers({ all: true, filters: { ancestor: [image] } })
    let text = ''
    for (const info of containers) {
      const c = docker.getContainer(info.Id)
      const buffer = (await c
        .logs({ stdout: true, stderr: true, tail: 20 })
        .catch(() => Buffer.from(''))) as Buffer
      text += await demultiplexed(docker, buffer)
      await c.remove({ force: true }).catch(() => undefined)
    }
    return text.trim().split('\n').slice(-20).join('\n')
  }

  async removeImages(refs: string[]): Promise<void> {
    const docker = await this.docker()
    for (const ref of refs) {
      await docker
        .getImage(ref)
        .remove({ force: false, noprune: false })
        .catch(() => undefined)
    }
  }
}
