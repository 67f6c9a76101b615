/**
 * A workstation: a confined container in which a lesson's shell steps run in order, as a reader
 * would type them. Its only host mount is the lesson's directory (at /lesson); it has no
 * capabilities, no engine socket and, unless a setting allows it, no network. `docker …` in a
 * step is answered by a handler lessonproof gives (its own engine actions), through a stand-in
 * `docker` command and a pipe the workstation's main process copies to its log.
 *
 * Talks to the engine with dockerode, the client testcontainers finds (DOCKER_HOST, its config),
 * so it works with the same engine as the rest of lessonproof and needs no docker CLI on PATH.
 */

import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, posix, relative } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type Dockerode from 'dockerode'
import { z } from 'zod'
import { RUN_LABEL } from '../settings/index.js'
import {
  COLLECT_SCRIPT,
  DOCKER_SHIM,
  type DockerCall,
  type DockerReply,
  encodeDockerReply,
  INIT_SCRIPT,
  LESSON_DIR,
  parseCollected,
  parseDockerCall,
  STATE_DIR,
  STEP_SCRIPT,
} from './shell.js'

/** How a workstation is confined and what it may reach. */
export const WorkstationSettings = z.object({
  /** The image: the one `ensureWorkstationImage` builds, or a lesson's own (it needs bash). */
  image: z.string().min(1),
  /** The lesson's directory on the host, mounted at /lesson: the only host path it sees. */
  lessonDir: z.string().min(1),
  /** Labels everything the run creates (`org.lessonproof.run=<runId>`), so it can be cleaned up by label. */
  runId: z.string().min(1),
  /** `none`: loopback only. `bridge`: the engine's default network (a package mirror, say). @default "none" */
  network: z.enum(['none', 'bridge']).default('none'),
  /** @default 1 GiB */
  memoryBytes: z
    .number()
    .int()
    .positive()
    .default(1024 ** 3),
  /** @default 1 */
  cpus: z.number().positive().default(1),
  /** Most processes at once (a fork bomb stops here). @default 512 */
  pids: z.number().int().positive().default(512),
  /** A step's time limit unless the step gives its own. @default 120000 */
  stepTimeoutMs: z.number().int().positive().default(120_000),
  /** Most bytes of stdout (and of stderr) kept per step. @default 4 MiB */
  outputLimitBytes: z
    .number()
    .int()
    .positive()
    .default(4 * 1024 ** 2),
  /** `uid:gid` the steps run as; by default the host's, so files made in /lesson are the host user's. */
  user: z.string().optional(),
  /** Environment of every step (a package index mirror: `PIP_INDEX_URL`). */
  env: z.record(z.string(), z.string()).default({}),
})
export type WorkstationSettings = z.input<typeof WorkstationSettings>

/** A `docker` command of a step, with where it ran on the host when that is the lesson's directory. */
export interface WorkstationDockerCall extends DockerCall {
  /** The host path of `cwd` when it is under /lesson (the context of `docker build .`). */
  hostCwd?: string
}

/** Serves the Docker commands of the steps: lessonproof's engine actions, or a fake in tests. */
export type DockerHandler = (call: WorkstationDockerCall) => Promise<DockerReply>

/** Registers cleanup with the run's janitor (removed on Ctrl-C, failure or the end of the run). */
export interface Cleanup {
  add(what: string, run: () => Promise<unknown>): void
}

export interface StepRequest {
  /** The step as the lesson writes it (several lines, heredocs, `&&`). */
  command: string
  /** This step's time limit; the settings' by default. */
  timeoutMs?: number
  /**
   * A command that does not return (a server in the foreground): started in the background,
   * given `waitMs` (or until `probeUrl`, a loopback URL inside the workstation, answers), then
   * reported with its output so far and left running until `stop` or `close`.
   */
  background?: { waitMs: number; probeUrl?: string }
}

export const StepResult = z.object({
  /** 1-based, in the order steps ran. */
  index: z.number().int(),
  command: z.string(),
  /** `exited`: it finished; `timed-out`: stopped at its time limit; `running`: a background step still running. */
  status: z.enum(['exited', 'timed-out', 'running']),
  exitCode: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  /** Output beyond the limit was left out. */
  truncated: z.boolean(),
  durationMs: z.number(),
  /** The working directory after the step (the one before it when it did not finish). */
  cwd: z.string(),
  /** The `docker` commands the step ran, and how each ended. */
  dockerCalls: z.array(z.object({ argv: z.array(z.string()), exitCode: z.number().int() })),
  /** For a background step with a probe URL: the HTTP status it answered, or null when it never did. */
  probe: z.object({ url: z.string(), status: z.number().int().nullable() }).optional(),
  /** Why the step did not finish, in words. */
  reason: z.string().optional(),
})
export type StepResult = z.infer<typeof StepResult>

/** The label of cached workstation images (kept between runs, keyed by their Dockerfile). */
export const WORKSTATION_IMAGE_LABEL = 'org.lessonproof.workstation'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface ExecResult {
  stdout: Buffer
  stderr: Buffer
  exitCode: number | null
}

function waitForEnd(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', () => resolve())
    stream.once('close', () => resolve())
    stream.once('error', () => resolve())
  })
}

export class Workstation {
  private steps = 0
  private readonly calls = new Map<number, { argv: string[]; exitCode: number }[]>()
  private logStream: Readable | undefined
  private closed: Promise<void> | undefined

  private constructor(
    private readonly docker: Dockerode,
    private readonly container: Dockerode.Container,
    private readonly settings: z.output<typeof WorkstationSettings>,
    private readonly onDocker: DockerHandler,
  ) {}

  /** The container's ID. */
  get id(): string {
    return this.container.id
  }

  /**
   * The network mode that puts another container (the lesson's app) in the workstation's
   * network namespace, so a step's `curl localhost:8000` reaches it without any network.
   */
  get networkMode(): string {
    return `container:${this.container.id}`
  }

  /** Creates and starts a workstation; `close` (or the cleanup it registers) removes it. */
  static async start(
    input: WorkstationSettings,
    deps: { docker: Dockerode; onDocker: DockerHandler; cleanup?: Cleanup },
  ): Promise<Workstation> {
    const settings = WorkstationSettings.parse(input)
    const user =
      settings.user ?? (process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : '')
    const root = user === '' || user.startsWith('0:') || user === '0' || user === 'root'
    const env = {
      PATH: `${STATE_DIR}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      LESSONPROOF_DIR: STATE_DIR,
      LESSONPROOF_LESSON: LESSON_DIR,
      // A user without a passwd entry still needs a home for the tools' caches.
      ...(root ? {} : { HOME: `${STATE_DIR}/home` }),
      ...settings.env,
    }
    const container = await deps.docker.createContainer({
      Image: settings.image,
      Entrypoint: ['bash', '-c'],
      Cmd: [INIT_SCRIPT],
      ...(user === '' ? {} : { User: user }),
      WorkingDir: LESSON_DIR,
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: { [RUN_LABEL]: settings.runId, 'org.lessonproof.role': 'workstation' },
      HostConfig: {
        Binds: [`${settings.lessonDir}:${LESSON_DIR}`],
        Tmpfs: { [STATE_DIR]: 'rw,exec,nosuid,nodev,mode=1777,size=256m' },
        NetworkMode: settings.network,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Privileged: false,
        Memory: settings.memoryBytes,
        MemorySwap: settings.memoryBytes,
        NanoCpus: Math.round(settings.cpus * 1e9),
        PidsLimit: settings.pids,
        // No docker-init: the engine bind-mounts it from the host. The main process, bash,
        // reaps what the steps leave behind itself.
        Init: false,
      },
    })
    const station = new Workstation(deps.docker, container, settings, deps.onDocker)
    deps.cleanup?.add(`workstation ${container.id.slice(0, 12)}`, () => station.close())
    try {
      await container.start()
      await station.followRequests()
      await station.write(`${STATE_DIR}/step.sh`, STEP_SCRIPT)
      await station.write(`${STATE_DIR}/collect.sh`, COLLECT_SCRIPT)
      await station.write(`${STATE_DIR}/bin/docker`, DOCKER_SHIM, true)
    } catch (error) {
      await station.close()
      throw error
    }
    return station
  }

  /** Follows the main process's output: "ready", then one call ID per `docker` command. */
  private async followRequests(): Promise<void> {
    const stream = (await this.container.logs({
      follow: true,
      stdout: true,
      stderr: true,
    })) as unknown as Readable
    this.logStream = stream
    const out = new PassThrough()
    this.docker.modem.demuxStream(stream, out, new PassThrough())
    let buffered = ''
    let readyResolve: () => void = () => {}
    const ready = new Promise<void>((resolve) => {
      readyResolve = resolve
    })
    out.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const id = line.trim()
        if (id === 'ready') readyResolve()
        else if (/^[\w.-]+$/.test(id)) void this.serve(id).catch(() => this.fail(id))
      }
    })
    const started = Date.now()
    while (!(await Promise.race([ready.then(() => true), sleep(100).then(() => false)]))) {
      const state = (await this.container.inspect()).State
      if (!state.Running) throw new Error(`the workstation stopped as it started (exit ${state.ExitCode})`)
      if (Date.now() - started > 30_000) throw new Error('the workstation did not come up within 30 s')
    }
  }

  /** Answers one `docker` command of a step with the handler's reply. */
  private async serve(id: string): Promise<void> {
    const request = `${STATE_DIR}/calls/${id}.req`
    const read = await this.exec(['cat', request])
    if (read.exitCode !== 0) return
    const call: WorkstationDockerCall = parseDockerCall(read.stdout.toString('utf8'))
    const rel = posix.relative(LESSON_DIR, call.cwd)
    if (call.cwd === LESSON_DIR || (!rel.startsWith('..') && !posix.isAbsolute(rel))) {
      call.hostCwd = join(this.settings.lessonDir, ...rel.split('/').filter((p) => p !== ''))
    }
    let reply: DockerReply
    try {
      reply = await this.onDocker(call)
    } catch (error) {
      reply = { stdout: '', stderr: `lessonproof: ${(error as Error).message}\n`, exitCode: 125 }
    }
    const list = this.calls.get(call.step) ?? []
    list.push({ argv: call.argv, exitCode: reply.exitCode })
    this.calls.set(call.step, list)
    if (this.closed) return
    await this.write(`${STATE_DIR}/calls/${id}.res`, encodeDockerReply(reply))
  }

  /** Answers a call lessonproof could not serve, so the step's `docker` does not wait forever. */
  private async fail(id: string): Promise<void> {
    if (this.closed) return
    const reply = { stdout: '', stderr: 'lessonproof: could not serve this docker command\n', exitCode: 125 }
    await this.write(`${STATE_DIR}/calls/${id}.res`, encodeDockerReply(reply)).catch(() => {})
  }

  /** Runs a command in the workstation (as its user) and waits for it. */
  private async exec(cmd: string[], stdin?: string | Buffer): Promise<ExecResult> {
    const exec = await this.container.exec({
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: stdin !== undefined,
    })
    const stream = (await exec.start({
      hijack: true,
      stdin: stdin !== undefined,
    })) as unknown as NodeJS.ReadWriteStream & Readable
    const out: Buffer[] = []
    const err: Buffer[] = []
    const outStream = new PassThrough()
    const errStream = new PassThrough()
    outStream.on('data', (c: Buffer) => out.push(c))
    errStream.on('data', (c: Buffer) => err.push(c))
    this.docker.modem.demuxStream(stream, outStream, errStream)
    const ended = waitForEnd(stream)
    if (stdin !== undefined) stream.end(stdin)
    await ended
    return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode: await this.exitCodeOf(exec) }
  }

  private async exitCodeOf(exec: Dockerode.Exec): Promise<number | null> {
    for (let k = 0; k < 20; k++) {
      const info = await exec.inspect()
      if (!info.Running) return info.ExitCode
      await sleep(25)
    }
    return null
  }

  /** Writes a file in the workstation (atomically: a reader never sees half of it). */
  private async write(path: string, content: string, executable = false): Promise<void> {
    const script = `cat > "$1.tmp" && ${executable ? 'chmod +x "$1.tmp" && ' : ''}mv "$1.tmp" "$1"`
    const result = await this.exec(['bash', '-c', script, 'write', path], content)
    if (result.exitCode !== 0) {
      throw new Error(`could not write ${path} in the workstation: ${result.stderr.toString('utf8').trim()}`)
    }
  }

  private async collect(index: number): Promise<ReturnType<typeof parseCollected>> {
    const limit = this.settings.outputLimitBytes
    const result = await this.exec(['bash', '-c', COLLECT_SCRIPT, 'collect', String(index), String(limit)])
    return parseCollected(result.stdout.toString('utf8'), limit)
  }

  /** Kills a step and everything it started (its process group). */
  async stop(index: number): Promise<void> {
    await this.exec([
      'bash',
      '-c',
      'p=$(cat "$1" 2>/dev/null) && [ -n "$p" ] && kill -KILL -- "-$p" 2>/dev/null; true',
      'stop',
      `${STATE_DIR}/steps/${index}.pid`,
    ])
  }

  /** Asks a loopback URL inside the workstation once; the HTTP status, or null when nothing answered. */
  private async probe(url: string): Promise<number | null> {
    const result = await this.exec([
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--max-time',
      '2',
      url,
    ])
    const status = Number(result.stdout.toString('utf8').trim())
    return Number.isInteger(status) && status > 0 ? status : null
  }

  /** Runs the next step of the lesson, where the last one left off. */
  async run(step: StepRequest): Promise<StepResult> {
    if (this.closed) throw new Error('the workstation is closed')
    const index = ++this.steps
    const started = Date.now()
    const timeoutMs = step.timeoutMs ?? this.settings.stepTimeoutMs
    const exec = await this.container.exec({
      Cmd: ['setsid', '-w', 'bash', `${STATE_DIR}/step.sh`, String(index), step.command],
      AttachStdout: true,
      AttachStderr: true,
    })
    const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable
    stream.resume()
    const ended = waitForEnd(stream).then(() => true)

    let status: StepResult['status'] = 'exited'
    let reason: string | undefined
    let probe: StepResult['probe']
    if (step.background) {
      const deadline = started + Math.min(step.background.waitMs, timeoutMs)
      let answered: number | null = null
      let finished = false
      while (Date.now() < deadline && !finished) {
        if (step.background.probeUrl) {
          answered = await this.probe(step.background.probeUrl)
          if (answered !== null) break
        }
        finished = await Promise.race([
          ended,
          sleep(step.background.probeUrl ? 250 : deadline - Date.now()).then(() => false),
        ])
      }
      if (step.background.probeUrl) probe = { url: step.background.probeUrl, status: answered }
      if (!finished) {
        status = 'running'
        reason = `still running after ${Math.round((Date.now() - started) / 100) / 10} s: left in the background`
      }
    } else {
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs)
      })
      const finished = await Promise.race([ended, timedOut])
      clearTimeout(timer)
      if (!finished) {
        status = 'timed-out'
        reason = `did not finish within ${timeoutMs / 1000} s; stopped with everything it started`
        await this.stop(index)
        await Promise.race([ended, sleep(5_000)])
      }
    }
    // A step's `docker` commands are recorded before their replies, so before the step ends.
    const collected = await this.collect(index)
    const exited = status === 'exited'
    return {
      index,
      command: step.command,
      status,
      exitCode: exited ? collected.exitCode : null,
      stdout: collected.stdout,
      stderr: collected.stderr,
      truncated: collected.truncated,
      durationMs: Date.now() - started,
      cwd: collected.cwd || LESSON_DIR,
      dockerCalls: this.calls.get(index) ?? [],
      ...(probe ? { probe } : {}),
      ...(reason ? { reason } : {}),
    }
  }

  /** Output so far of a background step (a server's log). */
  async output(index: number): Promise<{ stdout: string; stderr: string }> {
    const { stdout, stderr } = await this.collect(index)
    return { stdout, stderr }
  }

  /** Removes the workstation and everything running in it. Safe to call more than once. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.logStream?.destroy()
      try {
        await this.container.remove({ force: true, v: true })
      } catch (error) {
        if (!/No such container|404/.test((error as Error).message)) throw error
      }
    })()
    return this.closed
  }
}

/** Where the workstation's Dockerfile is: beside this module in the sources, or in the package from dist/. */
export function workstationContextDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const candidates = [
    join(here, 'workstation'),
    join(here, '..', '..', '..', 'harness', 'walk', 'workstation'),
  ]
  const found = candidates.find((dir) => existsSync(join(dir, 'Dockerfile')))
  if (!found) throw new Error(`the workstation's Dockerfile is missing (looked in ${candidates.join(', ')})`)
  return found
}

/**
 * The readable lines of BuildKit's progress (protobuf): a step's log messages (field 4 of a
 * VertexLog, so they follow a `"` tag byte and a length byte), without digests or repeats.
 */
function traceText(trace: string[]): string[] {
  const runs = trace.join('').match(/[\x20-\x7e]{6,}/g) ?? []
  const lines = runs
    .filter((r) => !/sha256:[0-9a-f]{64}/.test(r))
    .map((r) => r.replace(/^"[\x20-\x7e]/, '').trim())
    .filter((r) => r.length > 0)
  return lines.filter((line, k) => lines.indexOf(line) === k)
}

/** A Debian package name, so nothing else reaches the Dockerfile's RUN line. */
const PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/

/**
 * The workstation image, built once from lessonproof's Dockerfile (and the extra Debian packages
 * asked for) and kept under `lessonproof-workstation:<hash of both>`, labelled
 * `org.lessonproof.workstation`, so later runs reuse it. Returns its tag.
 */
export async function ensureWorkstationImage(
  docker: Dockerode,
  options: { extraPackages?: string[]; log?: (line: string) => void } = {},
): Promise<string> {
  const extra = [...(options.extraPackages ?? [])].sort()
  const bad = extra.find((p) => !PACKAGE.test(p))
  if (bad !== undefined) throw new Error(`not a Debian package name: ${JSON.stringify(bad)}`)
  const dir = workstationContextDir()
  const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8')
  const hash = createHash('sha256')
    .update(dockerfile)
    .update('\0')
    .update(extra.join(' '))
    .digest('hex')
    .slice(0, 12)
  const tag = `lessonproof-workstation:${hash}`
  try {
    await docker.getImage(tag).inspect()
    return tag
  } catch {
    // Not built yet.
  }
  options.log?.(`building the workstation image ${tag}${extra.length > 0 ? ` with ${extra.join(' ')}` : ''}`)
  // BuildKit (API version 2): no intermediate images to leave behind, even when the build fails.
  const stream = await docker.buildImage({ context: dir, src: ['Dockerfile'] }, {
    t: tag,
    buildargs: { EXTRA_PACKAGES: extra.join(' ') },
    labels: { [WORKSTATION_IMAGE_LABEL]: hash },
    version: '2',
  } as Dockerode.ImageBuildOptions)
  const trace: string[] = []
  const failure = await new Promise<string | undefined>((resolve) => {
    let error: string | undefined
    docker.modem.followProgress(
      stream,
      (err: Error | null) => resolve(err ? err.message : error),
      (event: { id?: string; aux?: unknown; error?: string }) => {
        // Progress comes as base64 protobuf under the trace ID; the last aux is the image's ID.
        if (typeof event.aux === 'string') trace.push(Buffer.from(event.aux, 'base64').toString('latin1'))
        if (event.error) error = event.error
      },
    )
  })
  if (failure !== undefined) {
    throw new Error(
      `the workstation image did not build: ${failure}\n${traceText(trace).slice(-10).join('\n')}`,
    )
  }
  return tag
}

/** Removes the cached workstation images (all versions). */
export async function removeWorkstationImages(docker: Dockerode): Promise<string[]> {
  const images = await docker.listImages({ filters: JSON.stringify({ label: [WORKSTATION_IMAGE_LABEL] }) })
  const removed: string[] = []
  for (const image of images) {
    await docker.getImage(image.Id).remove({ force: true })
    removed.push(...(image.RepoTags ?? [image.Id]))
  }
  return removed
}

/** Containers a run left (by its label): none, when every workstation was closed. */
export async function leftBehind(docker: Dockerode, runId: string): Promise<string[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${RUN_LABEL}=${runId}`] }),
  })
  return containers.map((c) => c.Id)
}

/** A host path as the workstation sees it, when it is inside the lesson's directory. */
export function pathInWorkstation(lessonDir: string, hostPath: string): string | undefined {
  const rel = relative(lessonDir, hostPath)
  if (rel.startsWith('..') || rel.includes(':')) return undefined
  return rel === '' ? LESSON_DIR : posix.join(LESSON_DIR, ...rel.split(/[\\/]/))
}
