/**
 * lessonproof's engine actions: what the workstation's `docker` gets back. A build is the
 * iteration's build (the caller's `build`); a run is a confined container on the walk's private
 * network with its ports forwarded inside the workstation; `images`, `history`, `ps`, `inspect`,
 * `logs`, `exec`, `stop`, `rm` answer from the real images and containers, under the names the
 * lesson gave them. Only what this walk created is ever listed or touched. A command that needs
 * what is not here (a registry, a privilege) is answered with an error and recorded as blocked,
 * with the reason.
 */
import { readFile } from 'node:fs/promises'
import { isAbsolute, join, posix, relative, resolve } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import type Dockerode from 'dockerode'
import { dockerSize } from '../patch/index.js'
import { RUN_LABEL } from '../settings/index.js'
import { isSet, type Parsed, parseArgs, readPublish, values, withTag } from './args.js'
import {
  displayPorts,
  ellipsis,
  formatRows,
  goJson,
  goTemplate,
  humanDuration,
  type PortMapping,
  TemplateError,
} from './format.js'
import type { PortForwarder } from './ports.js'
import type { DockerReply } from './shell.js'
import { LESSON_DIR } from './shell.js'
import type { Cleanup, WorkstationDockerCall } from './workstation.js'

/** A `docker build` of the lesson, for the caller to carry out (the iteration's build). */
export interface WalkBuild {
  /** The step's index in the walk (the caller knows its lesson line). */
  step: number
  /** The build context on the host: a directory of the lesson's working directory. */
  contextDir: string
  /** The Dockerfile, relative to the context. */
  dockerfile: string
  /** Tags as the lesson gives them, with `:latest` made explicit. */
  tags: string[]
  noCache: boolean
}

export interface WalkBuilt {
  exitCode: number
  stdout: string
  stderr: string
  /** The image the lesson's tags now stand for (lessonproof's own tag of it). */
  image?: string
  /** Why it could not be built here, naming what is missing (a base image and its registry). */
  blocked?: string
  /** Base images the build started from, as the engine names them. */
  bases?: string[]
}

export type Builder = (build: WalkBuild) => Promise<WalkBuilt>

export interface ActionsDeps {
  docker: Dockerode
  runId: string
  /** Unique to this walk: container names start with it, and it labels them. */
  prefix: string
  /** The walk's private network. */
  network: string
  /** The lesson's directory on the host (the workstation's /lesson). */
  lessonDir: string
  build: Builder
  ports: PortForwarder
  /** The image of the watcher that waits for a container to listen (lessonproof's workstation image). */
  watcherImage: string
  cleanup: Cleanup
  memoryBytes: number
  cpus: number
  now?: () => number
}

interface ContainerRecord {
  id: string
  /** The name the lesson knows it by (its --name, else the engine's generated one). */
  name: string
  /** The image as the lesson wrote it. */
  imageRef: string
  mappings: PortMapping[]
  /** The step that started it. */
  step: number
  address?: string
  forwarded: boolean
}

/** The registry an image reference would be pulled from, in words. */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0] ?? ''
  if (ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return `the registry ${first}`
  return 'Docker Hub (docker.io)'
}

const WALK_LABEL = 'org.lessonproof.walk'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function ok(stdout: string, stderr = ''): DockerReply {
  return { stdout, stderr, exitCode: 0 }
}

function error(stderr: string, exitCode = 1): DockerReply {
  return { stdout: '', stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`, exitCode }
}

/** Demultiplexed output of an attached stream (logs, exec). */
async function demux(docker: Dockerode, stream: Readable): Promise<{ stdout: string; stderr: string }> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const o = new PassThrough()
  const e = new PassThrough()
  o.on('data', (c: Buffer) => out.push(c))
  e.on('data', (c: Buffer) => err.push(c))
  docker.modem.demuxStream(stream, o, e)
  await new Promise<void>((resolve) => {
    stream.once('end', resolve)
    stream.once('close', resolve)
    stream.once('error', () => resolve())
  })
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }
}

/** What `docker logs` gets as one buffer of frames. */
async function demuxBuffer(docker: Dockerode, buffer: Buffer): Promise<{ stdout: string; stderr: string }> {
  const { Readable: R } = await import('node:stream')
  return demux(docker, R.from([buffer]))
}

export class DockerActions {
  /** The lesson's image references (with tag) → the image on the engine. */
  private readonly images = new Map<string, string>()
  /** The lesson's image references whose build could not run here → why. */
  private readonly blockedImages = new Map<string, string>()
  /** Base images the lesson's builds used, shown by `docker images` as a reader's engine would. */
  private readonly bases = new Set<string>()
  private readonly containers = new Map<string, ContainerRecord>()
  private readonly hostPorts = new Map<string, string>()
  private readonly blocked = new Map<number, string[]>()
  private readonly attached = new Map<number, { record: ContainerRecord; done: Promise<unknown> }>()
  private pending: ContainerRecord[] = []
  private readonly volumes = new Map<string, string>()
  private readonly now: () => number

  constructor(private readonly deps: ActionsDeps) {
    this.now = deps.now ?? Date.now
  }

  /** Why the Docker commands of a step could not be served, if any could not. */
  blockedReasons(step: number): string[] {
    return this.blocked.get(step) ?? []
  }

  private block(step: number, reason: string, stderr?: string): DockerReply {
    this.blocked.set(step, [...(this.blocked.get(step) ?? []), reason])
    return error(stderr ?? `lessonproof: ${reason}`, 125)
  }

  /** Serves one `docker` command of a step. */
  async handle(call: WorkstationDockerCall): Promise<DockerReply> {
    const [first = '', ...rest] = call.argv
    let command = first
    let args = rest
    const nested: Record<string, Record<string, string>> = {
      container: { ls: 'ps', list: 'ps', ps: 'ps', rm: 'rm', inspect: 'inspect', logs: 'logs', stop: 'stop' },
      image: {
        ls: 'images',
        list: 'images',
        rm: 'rmi',
        inspect: 'inspect',
        history: 'history',
        build: 'build',
      },
      buildx: { build: 'build' },
    }
    const group = nested[first]
    if (group) {
      const sub = rest[0] ?? ''
      command = group[sub] ?? (first === 'container' || first === 'image' ? sub : `${first} ${sub}`)
      args = rest.slice(1)
    }
    try {
      switch (command) {
        case 'build':
          return await this.build(call, parseArgs('build', args))
        case 'run':
          return await this.run(call, parseArgs('run', args))
        case 'images':
          return await this.listImages(call.step, parseArgs('images', args))
        case 'history':
          return await this.history(call.step, parseArgs('history', args))
        case 'ps':
          return await this.ps(parseArgs('ps', args))
        case 'inspect':
          return await this.inspect(call.step, parseArgs('inspect', args))
        case 'logs':
          return await this.logs(parseArgs('logs', args))
        case 'exec':
          return await this.exec(call, parseArgs('exec', args))
        case 'stop':
        case 'kill':
        case 'start':
        case 'restart':
          return await this.lifecycle(command, parseArgs(command, args))
        case 'rm':
          return await this.remove(parseArgs('rm', args))
        case 'rmi':
          return await this.removeImages(parseArgs('rmi', args))
        case 'tag':
          return this.tag(parseArgs('tag', args))
        case 'pull':
        case 'push': {
          const ref = parseArgs(command, args).operands[0] ?? ''
          return this.block(
            call.step,
            `docker ${command} ${ref} needs ${registryOf(ref)}, which a walk does not reach`,
          )
        }
        case 'login':
        case 'logout':
        case 'search':
          return this.block(call.step, `docker ${command} needs a registry, which a walk does not reach`)
        default:
          return this.block(
            call.step,
            `lessonproof's walk does not serve \`docker ${command}\` (it serves build, run, images, history, ps, inspect, logs, exec, stop, kill, start, restart, rm, rmi, tag)`,
          )
      }
    } catch (caught) {
      if (caught instanceof TemplateError) return this.block(call.step, caught.message)
      throw caught
    }
  }

  // ---- images ---------------------------------------------------------------------------

  /** The engine's image for a lesson reference, or why there is none. */
  private async imageFor(ref: string): Promise<{ image: string } | { blocked: string } | { missing: true }> {
    const tagged = withTag(ref)
    const ours = this.images.get(tagged)
    if (ours) return { image: ours }
    const why = this.blockedImages.get(tagged)
    if (why) return { blocked: `${tagged} was not built here: ${why}` }
    for (const image of new Set(this.images.values())) {
      const info = await this.deps.docker
        .getImage(image)
        .inspect()
        .catch(() => undefined)
      if (info && /^[0-9a-f]{4,64}$/.test(ref) && info.Id.replace(/^sha256:/, '').startsWith(ref))
        return { image }
    }
    const local = await this.deps.docker
      .getImage(tagged)
      .inspect()
      .catch(() => undefined)
    if (local) return { image: tagged }
    return { missing: true }
  }

  private async build(call: WorkstationDockerCall, parsed: Parsed): Promise<DockerReply> {
    if (!call.hostCwd) return error('lessonproof: a walk builds only inside the lesson directory', 1)
    if (values(parsed, '--build-arg').length > 0 || values(parsed, '--target').length > 0)
      return this.block(
        call.step,
        "lessonproof builds the lesson's iterations without --build-arg and --target",
      )
    const contextArg = parsed.operands[0] ?? '.'
    if (contextArg === '-' || /^[a-z]+:\/\//.test(contextArg))
      return this.block(
        call.step,
        `a build context from ${contextArg === '-' ? 'stdin' : contextArg} is not served`,
      )
    const contextDir = resolve(call.hostCwd, contextArg)
    if (relative(this.deps.lessonDir, contextDir).startsWith('..'))
      return error(`lessonproof: the build context ${contextArg} is outside the lesson's directory`)
    const fileArg = values(parsed, '-f', '--file').at(-1)
    const dockerfilePath = fileArg ? resolve(call.hostCwd, fileArg) : join(contextDir, 'Dockerfile')
    const dockerfile = relative(contextDir, dockerfilePath)
    if (dockerfile.startsWith('..') || isAbsolute(dockerfile))
      return this.block(
        call.step,
        `${fileArg} is outside the build context; lessonproof builds with the Dockerfile inside it`,
      )
    const tags = values(parsed, '-t', '--tag').map(withTag)
    const built = await this.deps.build({
      step: call.step,
      contextDir,
      dockerfile: dockerfile.split('\\').join('/'),
      tags,
      noCache: isSet(parsed, '--no-cache'),
    })
    for (const base of built.bases ?? []) this.bases.add(base)
    if (built.blocked !== undefined) {
      for (const tag of tags) {
        this.images.delete(tag)
        this.blockedImages.set(tag, built.blocked)
      }
      return this.block(call.step, built.blocked, `${built.stderr}lessonproof: ${built.blocked}\n`)
    }
    if (built.exitCode === 0 && built.image) {
      for (const tag of tags) {
        this.images.set(tag, built.image)
        this.blockedImages.delete(tag)
      }
    }
    return { stdout: built.stdout, stderr: built.stderr, exitCode: built.exitCode }
  }

  private async listImages(step: number, parsed: Parsed): Promise<DockerReply> {
    const filter = parsed.operands[0]
    // The image the lesson asks about could not be built here: what it would list is unknown.
    const why = filter?.includes(':') ? this.blockedImages.get(withTag(filter)) : undefined
    if (why) return this.block(step, `${withTag(filter ?? '')} was not built here: ${why}`)
    if (filter && !filter.includes(':')) {
      const blockedTags = [...this.blockedImages].filter(([ref]) => ref.startsWith(`${filter}:`))
      if (blockedTags.length > 0) {
        // Images blocked for the same reason (one missing base image) are named once, together.
        const byReason = new Map<string, string[]>()
        for (const [ref, reason] of blockedTags) byReason.set(reason, [...(byReason.get(reason) ?? []), ref])
        return this.block(
          step,
          [...byReason]
            .map(
              ([reason, refs]) =>
                `${refs.join(', ')} ${refs.length > 1 ? 'were' : 'was'} not built here: ${reason}`,
            )
            .join('; '),
        )
      }
    }
    const entries: { repo: string; tag: string; image: string }[] = []
    for (const [ref, image] of this.images) {
      const at = ref.lastIndexOf(':')
      entries.push({ repo: ref.slice(0, at), tag: ref.slice(at + 1), image })
    }
    for (const base of this.bases) {
      const ref = withTag(base)
      if (this.images.has(ref)) continue
      const at = ref.lastIndexOf(':')
      entries.push({ repo: ref.slice(0, at), tag: ref.slice(at + 1), image: ref })
    }
    const rows: (Record<string, unknown> & { created: number })[] = []
    for (const e of entries) {
      if (filter) {
        const f = filter.includes(':') ? withTag(filter) : filter
        if (f.includes(':') ? `${e.repo}:${e.tag}` !== f : e.repo !== f) continue
      }
      const info = (await this.deps.docker
        .getImage(e.image)
        .inspect()
        .catch(() => undefined)) as { Id: string; Created: string; Size: number } | undefined
      if (!info) continue
      const created = Date.parse(info.Created)
      rows.push({
        created,
        Repository: e.repo,
        Tag: e.tag,
        ID: info.Id.replace(/^sha256:/, '').slice(0, isSet(parsed, '--no-trunc') ? 64 : 12),
        CreatedSince: `${humanDuration(this.now() - created)} ago`,
        CreatedAt: new Date(created).toISOString(),
        Size: dockerSize(info.Size),
        Digest: '<none>',
      })
    }
    rows.sort((a, b) => b.created - a.created)
    if (isSet(parsed, '-q', '--quiet')) return ok(rows.map((r) => `${r.ID}\n`).join(''))
    const format =
      values(parsed, '--format').at(-1) ??
      'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    return ok(formatRows(format, rows, { ID: 'IMAGE ID' }))
  }

  private async history(step: number, parsed: Parsed): Promise<DockerReply> {
    const ref = parsed.operands[0] ?? ''
    const found = await this.imageFor(ref)
    if ('blocked' in found) return this.block(step, found.blocked)
    if ('missing' in found) return error(`Error response from daemon: No such image: ${withTag(ref)}`)
    const layers = (await this.deps.docker.getImage(found.image).history()) as {
      Id: string
      Created: number
      CreatedBy: string
      Size: number
      Comment: string
    }[]
    const trunc = !isSet(parsed, '--no-trunc')
    const rows = layers.map((l) => ({
      ID: l.Id === '<missing>' ? '<missing>' : l.Id.replace(/^sha256:/, '').slice(0, trunc ? 12 : 64),
      CreatedSince: `${humanDuration(this.now() - l.Created * 1000)} ago`,
      CreatedAt: new Date(l.Created * 1000).toISOString(),
      CreatedBy: trunc ? ellipsis(l.CreatedBy.replace(/\t/g, ' '), 45) : l.CreatedBy,
      Size: dockerSize(l.Size),
      Comment: l.Comment,
    }))
    if (isSet(parsed, '-q', '--quiet')) return ok(rows.map((r) => `${r.ID}\n`).join(''))
    const format =
      values(parsed, '--format').at(-1) ??
      'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}'
    return ok(formatRows(format, rows, { ID: 'IMAGE' }))
  }

  private async tag(parsed: Parsed): Promise<DockerReply> {
    const [source = '', target = ''] = parsed.operands
    const found = await this.imageFor(source)
    if ('missing' in found) return error(`Error response from daemon: No such image: ${withTag(source)}`)
    if ('blocked' in found) return error(`Error response from daemon: No such image: ${withTag(source)}`)
    this.images.set(withTag(target), found.image)
    return ok('')
  }

  private async removeImages(parsed: Parsed): Promise<DockerReply> {
    let stdout = ''
    let stderr = ''
    for (const ref of parsed.operands) {
      const tagged = withTag(ref)
      const image = this.images.get(tagged)
      if (!image) {
        stderr += `Error: No such image: ${ref}\n`
        continue
      }
      this.images.delete(tagged)
      stdout += `Untagged: ${tagged}\n`
      if ([...this.images.values()].includes(image)) continue
      const removed = (await this.deps.docker
        .getImage(image)
        .remove({ force: isSet(parsed, '-f', '--force') })
        .catch(() => [])) as { Deleted?: string }[]
      for (const r of removed) if (r.Deleted) stdout += `Deleted: ${r.Deleted}\n`
    }
    return { stdout, stderr, exitCode: stderr === '' ? 0 : 1 }
  }

  // ---- containers -----------------------------------------------------------------------

  private record(ref: string): ContainerRecord | undefined {
    for (const r of this.containers.values()) if (r.name === ref) return r
    const byId = [...this.containers.values()].filter((r) => ref.length > 0 && r.id.startsWith(ref))
    return byId.length === 1 ? byId[0] : undefined
  }

  private async run(call: WorkstationDockerCall, parsed: Parsed): Promise<DockerReply> {
    const [ref = '', ...cmd] = parsed.operands
    const step = call.step
    for (const [flag, why] of [
      ['--privileged', 'runs a privileged container, which a walk never does'],
      ['-P', 'publishes every port at random (-P); lessonproof maps only the ports a lesson names'],
      ['--publish-all', 'publishes every port at random; lessonproof maps only the ports a lesson names'],
    ] as const) {
      if (isSet(parsed, flag)) return this.block(step, `docker run ${flag} ${why}`)
    }
    for (const flag of ['--mount', '--volumes-from', '--link', '--gpus', '--device']) {
      if (values(parsed, flag).length > 0)
        return this.block(step, `docker run ${flag} is not served by a walk`)
    }
    const network = values(parsed, '--network', '--net').at(-1)
    if (network && network !== 'bridge' && network !== 'default')
      return this.block(
        step,
        `docker run --network ${network}: a walk runs containers on its own private network only`,
      )

    const name = values(parsed, '--name').at(-1)
    if (name && this.record(name)?.name === name) {
      const other = this.record(name)
      return error(
        `docker: Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${other?.id}". You have to remove (or rename) that container to be able to reuse that name.\nSee 'docker run --help'.`,
        125,
      )
    }
    const found = await this.imageFor(ref)
    if ('blocked' in found) return this.block(step, found.blocked)
    if ('missing' in found)
      return this.block(
        step,
        `${withTag(ref)} is not on this engine, and pulling it needs ${registryOf(ref)}, which a walk does not reach`,
        `Unable to find image '${withTag(ref)}' locally\nlessonproof: pulling it needs ${registryOf(ref)}, which a walk does not reach\n`,
      )

    const mappings: PortMapping[] = []
    for (const spec of values(parsed, '-p', '--publish')) {
      const read = readPublish(spec)
      if (!read) return error(`docker: invalid publish opts format: ${spec}.\nSee 'docker run --help'.`, 125)
      let hostPort = read.hostPort
      if (hostPort === undefined) {
        hostPort = 49153
        while (this.hostPorts.has(`${read.proto}/${hostPort}`)) hostPort++
      }
      mappings.push({ hostIp: read.hostIp, hostPort, containerPort: read.containerPort, proto: read.proto })
    }
    for (const m of mappings) {
      if (this.hostPorts.has(`${m.proto}/${m.hostPort}`)) {
        return error(
          `docker: Error response from daemon: driver failed programming external connectivity on endpoint ${name ?? ref}: Bind for ${m.hostIp || '0.0.0.0'}:${m.hostPort} failed: port is already allocated.`,
          125,
        )
      }
    }

    const binds: string[] = []
    for (const spec of values(parsed, '-v', '--volume')) {
      const [source = '', target = '', mode] = spec.split(':')
      if (source.startsWith('/')) {
        const rel = posix.relative(LESSON_DIR, source)
        if (rel.startsWith('..'))
          return this.block(
            step,
            `docker run -v ${spec} mounts ${source} of the reader's machine; a walk mounts only the lesson's directory`,
          )
        binds.push(`${join(this.deps.lessonDir, ...rel.split('/'))}:${target}${mode ? `:${mode}` : ''}`)
      } else if (/^[\w][\w.-]*$/.test(source) && target.startsWith('/')) {
        binds.push(`${await this.volume(source)}:${target}${mode ? `:${mode}` : ''}`)
      } else return error(`docker: invalid volume specification: '${spec}'.`, 125)
    }
    const env: string[] = []
    for (const file of values(parsed, '--env-file')) {
      const path = call.hostCwd ? resolve(call.hostCwd, file) : ''
      const text = path ? await readFile(path, 'utf8').catch(() => undefined) : undefined
      if (text === undefined) return error(`docker: open ${file}: no such file or directory.`, 125)
      for (const line of text.split('\n'))
        if (line.trim() !== '' && !line.startsWith('#')) env.push(line.trim())
    }
    for (const pair of values(parsed, '-e', '--env')) {
      env.push(pair.includes('=') ? pair : `${pair}=${call.env[pair] ?? ''}`)
    }
    const labels: Record<string, string> = {}
    for (const label of values(parsed, '-l', '--label')) {
      const eq = label.indexOf('=')
      labels[eq < 0 ? label : label.slice(0, eq)] = eq < 0 ? '' : label.slice(eq + 1)
    }
    const detach = isSet(parsed, '-d', '--detach')
    const autoRemove = isSet(parsed, '--rm')
    const entrypoint = values(parsed, '--entrypoint').at(-1)
    const workdir = values(parsed, '-w', '--workdir').at(-1)
    const user = values(parsed, '-u', '--user').at(-1)
    const hostname = values(parsed, '-h', '--hostname').at(-1)
    const container = await this.deps.docker.createContainer({
      Image: found.image,
      ...(cmd.length > 0 ? { Cmd: cmd } : {}),
      ...(entrypoint !== undefined ? { Entrypoint: entrypoint === '' ? [''] : [entrypoint] } : {}),
      ...(workdir ? { WorkingDir: workdir } : {}),
      ...(user ? { User: user } : {}),
      ...(hostname ? { Hostname: hostname } : {}),
      ...(name ? { name: `${this.deps.prefix}${name}` } : {}),
      Env: env,
      Labels: {
        ...labels,
        [RUN_LABEL]: this.deps.runId,
        [WALK_LABEL]: this.deps.prefix,
        'org.lessonproof.role': 'app',
      },
      HostConfig: {
        NetworkMode: this.deps.network,
        Binds: binds,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Privileged: false,
        Memory: this.deps.memoryBytes,
        MemorySwap: this.deps.memoryBytes,
        NanoCpus: Math.round(this.deps.cpus * 1e9),
        PidsLimit: 512,
        Init: isSet(parsed, '--init'),
      },
    })
    this.deps.cleanup.add(`container ${container.id.slice(0, 12)}`, () =>
      container.remove({ force: true, v: true }).catch(() => undefined),
    )
    const generated = ((await container.inspect()) as { Name: string }).Name.replace(/^\//, '')
    const record: ContainerRecord = {
      id: container.id,
      name: name ?? generated,
      imageRef: ref,
      mappings,
      step,
      forwarded: false,
    }
    this.containers.set(container.id, record)
    for (const m of mappings) this.hostPorts.set(`${m.proto}/${m.hostPort}`, container.id)
    try {
      await container.start()
    } catch (caught) {
      const message = (caught as { json?: { message?: string } }).json?.message ?? (caught as Error).message
      const code = /executable file not found|no such file/.test(message)
        ? 127
        : /permission denied/.test(message)
          ? 126
          : 125
      this.releasePorts(record)
      return error(`docker: Error response from daemon: ${message}.`, code)
    }
    await this.forward(record)
    if (detach) {
      this.pending.push(record)
      return ok(`${container.id}\n`)
    }
    // Attached: the reply comes when the container ends (a server's step is stopped by the walk).
    const done = container.wait()
    this.attached.set(step, { record, done })
    const status = (await done.catch(() => ({ StatusCode: 137 }))) as { StatusCode: number }
    const output = await this.output(container.id)
    this.attached.delete(step)
    if (autoRemove) await this.forget(record, true)
    else await this.unforward(record)
    return { ...output, exitCode: status.StatusCode }
  }

  private async volume(name: string): Promise<string> {
    const known = this.volumes.get(name)
    if (known) return known
    const volume = `${this.deps.prefix}${name}`
    await this.deps.docker.createVolume({ Name: volume, Labels: { [RUN_LABEL]: this.deps.runId } })
    this.deps.cleanup.add(`volume ${volume}`, () =>
      this.deps.docker
        .getVolume(volume)
        .remove()
        .catch(() => undefined),
    )
    this.volumes.set(name, volume)
    return volume
  }

  private async forward(record: ContainerRecord): Promise<void> {
    if (record.mappings.length === 0 || record.forwarded) return
    const info = (await this.deps.docker.getContainer(record.id).inspect()) as {
      NetworkSettings: { Networks: Record<string, { IPAddress: string }> }
    }
    const address = info.NetworkSettings.Networks[this.deps.network]?.IPAddress
    if (!address) return
    record.address = address
    await this.deps.ports.add(record.id, address, record.mappings)
    record.forwarded = true
  }

  private async unforward(record: ContainerRecord): Promise<void> {
    if (!record.forwarded) return
    record.forwarded = false
    await this.deps.ports.remove(record.id)
  }

  private releasePorts(record: ContainerRecord): void {
    for (const m of record.mappings) {
      if (this.hostPorts.get(`${m.proto}/${m.hostPort}`) === record.id)
        this.hostPorts.delete(`${m.proto}/${m.hostPort}`)
    }
  }

  private async forget(record: ContainerRecord, remove: boolean): Promise<void> {
    await this.unforward(record)
    this.releasePorts(record)
    this.containers.delete(record.id)
    if (remove)
      await this.deps.docker
        .getContainer(record.id)
        .remove({ force: true, v: true })
        .catch(() => undefined)
  }

  /** A container's output so far, stdout and stderr apart. */
  private async output(id: string, tail?: string): Promise<{ stdout: string; stderr: string }> {
    const buffer = (await this.deps.docker
      .getContainer(id)
      .logs({ stdout: true, stderr: true, follow: false, ...(tail ? { tail: Number(tail) } : {}) })
      .catch(() => Buffer.from(''))) as unknown as Buffer
    return demuxBuffer(this.deps.docker, buffer)
  }

  /**
   * Waits until every container the last steps started detached listens on its published
   * ports, as a reader's next command would find it some seconds later; returns what did not,
   * by the step that started it.
   */
  async settle(timeoutMs: number): Promise<Map<number, string[]>> {
    const notes = new Map<number, string[]>()
    const pending = this.pending
    this.pending = []
    for (const record of pending) {
      if (!record.address || record.mappings.length === 0) continue
      const tcp = [...new Set(record.mappings.filter((m) => m.proto === 'tcp').map((m) => m.containerPort))]
      const missing = await this.deps.ports.waitListening(record.id, tcp, {
        image: this.deps.watcherImage,
        runId: this.deps.runId,
        timeoutMs,
      })
      const waiting = new Set(missing)
      const state = (await this.deps.docker
        .getContainer(record.id)
        .inspect()
        .catch(() => undefined)) as { State: { Running: boolean; ExitCode: number } } | undefined
      if (waiting.size > 0 && !state?.State.Running) {
        const note = `${record.name} exited (${state?.State.ExitCode ?? '?'}) before it listened on port ${[...waiting].join(', ')}`
        notes.set(record.step, [...(notes.get(record.step) ?? []), note])
        continue
      }
      if (waiting.size > 0) {
        const note = `${record.name} did not listen on container port ${[...waiting].join(', ')} within ${Math.round(timeoutMs / 1000)} s (its -p maps ${record.mappings.map((m) => `${m.hostPort}->${m.containerPort}`).join(', ')})`
        notes.set(record.step, [...(notes.get(record.step) ?? []), note])
      }
    }
    return notes
  }

  /** The output so far of a container a step runs attached (a server in the foreground), if it runs one. */
  async attachedOutput(step: number): Promise<{ stdout: string; stderr: string } | undefined> {
    const attached = this.attached.get(step)
    return attached ? this.output(attached.record.id) : undefined
  }

  /** Stops the container a step runs attached, as Ctrl+C in the reader's terminal would. */
  async stopAttached(step: number): Promise<void> {
    const attached = this.attached.get(step)
    if (!attached) return
    const container = this.deps.docker.getContainer(attached.record.id)
    await container.kill({ signal: 'SIGINT' }).catch(() => undefined)
    const ended = await Promise.race([
      attached.done.then(
        () => true,
        () => true,
      ),
      sleep(5_000).then(() => false),
    ])
    if (!ended) await container.kill().catch(() => undefined)
    await Promise.race([attached.done.catch(() => undefined), sleep(5_000)])
  }

  private async ps(parsed: Parsed): Promise<DockerReply> {
    const all = isSet(parsed, '-a', '--all')
    const listed = await this.deps.docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${WALK_LABEL}=${this.deps.prefix}`] }),
    })
    const filters = values(parsed, '-f', '--filter')
    const trunc = !isSet(parsed, '--no-trunc')
    const rows = listed
      .filter((c) => this.containers.has(c.Id))
      .filter((c) => all || c.State === 'running')
      .sort((a, b) => b.Created - a.Created)
      .map((c) => {
        const record = this.containers.get(c.Id) as ContainerRecord
        const exposed = (c.Ports ?? []).filter((p) => !p.PublicPort).map((p) => `${p.PrivatePort}/${p.Type}`)
        return {
          ID: trunc ? c.Id.slice(0, 12) : c.Id,
          Image: record.imageRef,
          Command: JSON.stringify(trunc ? ellipsis(c.Command, 20) : c.Command),
          RunningFor: `${humanDuration(this.now() - c.Created * 1000)} ago`,
          CreatedAt: new Date(c.Created * 1000).toISOString(),
          Status: c.Status,
          State: c.State,
          Ports: displayPorts(c.State === 'running' ? record.mappings : [], [...new Set(exposed)]),
          Names: record.name,
          Labels: Object.entries(c.Labels ?? {})
            .filter(([k]) => !k.startsWith('org.lessonproof.'))
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        }
      })
      .filter((row) =>
        filters.every((f) => {
          const [key = '', value = ''] = f.split('=')
          if (key === 'name') return row.Names.includes(value)
          if (key === 'status') return row.State === value
          if (key === 'ancestor') return withTag(row.Image) === withTag(value)
          return true
        }),
      )
    if (isSet(parsed, '-q', '--quiet')) return ok(rows.map((r) => `${r.ID}\n`).join(''))
    const format =
      values(parsed, '--format').at(-1) ??
      'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}'
    return ok(formatRows(format, rows, { ID: 'CONTAINER ID' }))
  }

  private async inspect(step: number, parsed: Parsed): Promise<DockerReply> {
    const format = values(parsed, '-f', '--format').at(-1)
    const type = values(parsed, '--type').at(-1)
    const objects: unknown[] = []
    let stderr = ''
    for (const ref of parsed.operands) {
      const record = type === 'image' ? undefined : this.record(ref)
      if (record) {
        const data = (await this.deps.docker.getContainer(record.id).inspect()) as unknown as Record<
          string,
          unknown
        >
        data.Name = `/${record.name}`
        const config = data.Config as Record<string, unknown> | undefined
        if (config) config.Image = record.imageRef
        objects.push(data)
        continue
      }
      const found = type === 'container' ? { missing: true as const } : await this.imageFor(ref)
      if ('blocked' in found) return this.block(step, found.blocked)
      if ('image' in found) {
        const data = (await this.deps.docker.getImage(found.image).inspect()) as unknown as Record<
          string,
          unknown
        >
        data.RepoTags = [...this.images].filter(([, image]) => image === found.image).map(([r]) => r)
        if ((data.RepoTags as string[]).length === 0) data.RepoTags = [withTag(ref)]
        objects.push(data)
        continue
      }
      stderr += `Error: No such object: ${ref}\n`
    }
    const stdout = format
      ? objects.map((o) => `${goTemplate(format, o)}\n`).join('')
      : `${goJson(objects, '    ')}\n`
    return { stdout, stderr, exitCode: stderr === '' ? 0 : 1 }
  }

  private async logs(parsed: Parsed): Promise<DockerReply> {
    const ref = parsed.operands[0] ?? ''
    const record = this.record(ref)
    if (!record) return error(`Error: No such container: ${ref}`)
    const out = await this.output(record.id, values(parsed, '--tail', '-n').at(-1))
    return ok(out.stdout, out.stderr)
  }

  private async exec(call: WorkstationDockerCall, parsed: Parsed): Promise<DockerReply> {
    const [ref = '', ...cmd] = parsed.operands
    const record = this.record(ref)
    if (!record) return error(`Error: No such container: ${ref}`)
    const env = values(parsed, '-e', '--env').map((p) => (p.includes('=') ? p : `${p}=${call.env[p] ?? ''}`))
    const workdir = values(parsed, '-w', '--workdir').at(-1)
    const user = values(parsed, '-u', '--user').at(-1)
    const stdin = isSet(parsed, '-i', '--interactive') ? call.stdin : undefined
    const exec = await this.deps.docker.getContainer(record.id).exec({
      Cmd: cmd,
      Env: env,
      ...(workdir ? { WorkingDir: workdir } : {}),
      ...(user ? { User: user } : {}),
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: stdin !== undefined,
    })
    let stream: NodeJS.ReadWriteStream & Readable
    try {
      stream = (await exec.start({
        hijack: true,
        stdin: stdin !== undefined,
      })) as unknown as NodeJS.ReadWriteStream & Readable
    } catch (caught) {
      const message = (caught as { json?: { message?: string } }).json?.message ?? (caught as Error).message
      return error(`Error response from daemon: ${message}`, 126)
    }
    const reading = demux(this.deps.docker, stream)
    if (stdin !== undefined) stream.end(stdin)
    const output = await reading
    let info = await exec.inspect()
    for (let k = 0; k < 40 && info.Running; k++) {
      await sleep(25)
      info = await exec.inspect()
    }
    const code = info.ExitCode ?? 126
    // An executable the image does not have: the CLI says so on stderr, with exit 126 or 127.
    return { ...output, exitCode: code }
  }

  private async lifecycle(
    command: 'stop' | 'kill' | 'start' | 'restart',
    parsed: Parsed,
  ): Promise<DockerReply> {
    let stdout = ''
    let stderr = ''
    for (const ref of parsed.operands) {
      const record = this.record(ref)
      if (!record) {
        stderr += `Error response from daemon: No such container: ${ref}\n`
        continue
      }
      const container = this.deps.docker.getContainer(record.id)
      const time = values(parsed, '-t', '--time').at(-1)
      const signal = values(parsed, '-s', '--signal').at(-1)
      const ignoreNotModified = (caught: { statusCode?: number }) => {
        if (caught.statusCode !== 304) throw caught
      }
      if (command === 'stop') await container.stop(time ? { t: Number(time) } : {}).catch(ignoreNotModified)
      else if (command === 'kill') await container.kill(signal ? { signal } : {}).catch(ignoreNotModified)
      else if (command === 'start') await container.start().catch(ignoreNotModified)
      else await container.restart(time ? { t: Number(time) } : {})
      if (command === 'stop' || command === 'kill') await this.unforward(record)
      else {
        await this.unforward(record)
        record.forwarded = false
        await this.forward(record)
        this.pending.push(record)
      }
      stdout += `${ref}\n`
    }
    return { stdout, stderr, exitCode: stderr === '' ? 0 : 1 }
  }

  private async remove(parsed: Parsed): Promise<DockerReply> {
    const force = isSet(parsed, '-f', '--force')
    let stdout = ''
    let stderr = ''
    for (const ref of parsed.operands) {
      const record = this.record(ref)
      if (!record) {
        stderr += `Error: No such container: ${ref}\n`
        continue
      }
      const state = (await this.deps.docker
        .getContainer(record.id)
        .inspect()
        .catch(() => undefined)) as { State: { Running: boolean } } | undefined
      if (state?.State.Running && !force) {
        stderr += `Error response from daemon: You cannot remove a running container ${record.id}. Stop the container before attempting removal or force remove\n`
        continue
      }
      await this.forget(record, true)
      stdout += `${ref}\n`
    }
    return { stdout, stderr, exitCode: stderr === '' ? 0 : 1 }
  }

  /** Stops forwarding and removes every container this walk started. */
  async close(): Promise<void> {
    for (const step of [...this.attached.keys()]) await this.stopAttached(step)
    for (const record of [...this.containers.values()]) await this.forget(record, true)
  }
}
