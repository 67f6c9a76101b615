/**
 * The docker commands a document runs, read the way the docker CLI reads them: `docker run`'s
 * image and published ports, the images a document builds, pulls or tags, in document order.
 * Several kinds ask "which image does this command start?" and "where did that image come from?".
 */
import { parseFamiliarName } from '@swimlane/docker-reference'
import { memoize } from '../../memo.js'
import type { Command, Output } from '../../model/index.js'
import { dockerBuild } from '../../parse/index.js'
import type { Reading } from '../kit/index.js'

/** `docker run` / `docker create` options that take a value (so the image is the first other word). */
const RUN_VALUE_FLAGS = new Set(
  (
    '-a --attach --add-host --annotation --blkio-weight --blkio-weight-device -c --cpu-shares --cap-add ' +
    '--cap-drop --cgroup-parent --cgroupns --cidfile --cpu-period --cpu-quota --cpu-rt-period ' +
    '--cpu-rt-runtime --cpus --cpuset-cpus --cpuset-mems --detach-keys --device --device-cgroup-rule ' +
    '--device-read-bps --device-read-iops --device-write-bps --device-write-iops --dns --dns-option ' +
    '--dns-search --domainname --entrypoint -e --env --env-file --expose --gpus --group-add ' +
    '--health-cmd --health-interval --health-retries --health-start-interval --health-start-period ' +
    '--health-timeout -h --hostname --ip --ip6 --ipc --isolation --kernel-memory -l --label ' +
    '--label-file --link --link-local-ip --log-driver --log-opt --mac-address -m --memory ' +
    '--memory-reservation --memory-swap --memory-swappiness --mount --name --network --net ' +
    '--network-alias --oom-score-adj --pid --pids-limit --platform -p --publish --pull --restart ' +
    '--runtime --security-opt --shm-size --stop-signal --stop-timeout --storage-opt --sysctl --tmpfs ' +
    '-u --user --ulimit --userns --uts -v --volume --volume-driver --volumes-from -w --workdir'
  ).split(' '),
)

/** A port `docker run -p` publishes: `8080:80`, `127.0.0.1:8080:80/tcp`, `80`. */
export interface Published {
  host?: string
  container: number
  /** As written. */
  text: string
}

/** A `docker run` (or `docker create`, `docker container run`) as the CLI reads it. */
export interface DockerRun {
  command: Command
  image: string
  /** Arguments after the image: the command the container runs instead of its CMD. */
  args: string[]
  publish: Published[]
  name?: string
  /** `-e K=V` / `--env K=V`. */
  env: Record<string, string>
  /** Every option with its values, by its long or short name as written. */
  options: Map<string, string[]>
  detached: boolean
  output?: Output
}

/** Reads `-p` values: `[ip:]host:container[/proto]`, or a container port alone. */
export function readPublish(text: string): Published | undefined {
  // An address is bracketed (IPv6) or dotted (IPv4): `8080:80` is host:container, not address:container.
  const m =
    /^(?:(?:\[[^\]]*\]|\d+\.\d+\.\d+\.\d+):)?(?:(\d+(?:-\d+)?)?:)?(\d+)(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/.exec(
      text,
    )
  if (!m) return undefined
  const out: Published = { container: Number(m[2]), text }
  if (m[1] !== undefined) out.host = m[1]
  return out
}

/** `docker run …` argv → what it runs, or undefined when it is not a run. */
export function dockerRun(command: Command): Omit<DockerRun, 'output'> | undefined {
  const argv = command.argv
  if (argv[0] !== 'docker') return undefined
  const sub = argv[1] === 'container' ? argv.slice(2) : argv.slice(1)
  if (sub[0] !== 'run' && sub[0] !== 'create') return undefined
  const options = new Map<string, string[]>()
  const add = (k: string, v: string) => options.set(k, [...(options.get(k) ?? []), v])
  let detached = false
  for (let i = 1; i < sub.length; i++) {
    const arg = sub[i] ?? ''
    if (arg === '--') continue
    if (arg.startsWith('--')) {
      const [flag = '', inline] = arg.split(/=(.*)/s, 2)
      if (RUN_VALUE_FLAGS.has(flag)) add(flag, inline ?? sub[++i] ?? '')
      else {
        add(flag, inline ?? '')
        if (flag === '--detach') detached = true
      }
      continue
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // `-dit`, `-p8080:80`, `-e K=V`: short flags bundle; the last may take a value.
      const letters = arg.slice(1)
      for (let j = 0; j < letters.length; j++) {
        const flag = `-${letters[j]}`
        if (flag === '-d') detached = true
        if (RUN_VALUE_FLAGS.has(flag)) {
          const rest = letters.slice(j + 1)
          add(flag, rest !== '' ? rest.replace(/^=/, '') : (sub[++i] ?? ''))
          break
        }
        add(flag, '')
      }
      continue
    }
    const env: Record<string, string> = {}
    for (const e of [...(options.get('-e') ?? []), ...(options.get('--env') ?? [])]) {
      const [k = '', v] = e.split(/=(.*)/s, 2)
      if (k && v !== undefined) env[k] = v
    }
    const publish = [...(options.get('-p') ?? []), ...(options.get('--publish') ?? [])]
      .map(readPublish)
      .filter((p): p is Published => p !== undefined)
    const name = options.get('--name')?.[0]
    return {
      command,
      image: arg,
      args: sub.slice(i + 1),
      publish,
      ...(name ? { name } : {}),
      env,
      options,
      detached,
    }
  }
  return undefined
}

/** The runs of a document, each with the output shown for it. */
export const dockerRuns: Reading<DockerRun[]> = (x) => {
  const out: DockerRun[] = []
  for (const command of x.doc.commands) {
    if (
      command.argv[0] !== 'docker' ||
      (command.argv[1] !== 'run' && command.argv[1] !== 'create' && command.argv[1] !== 'container')
    )
      continue
    const run = dockerRun(command)
    if (!run) continue
    const output = x.doc.outputs.find((o) => o.commandLine === command.line && o.command === command.text)
    out.push(output ? { ...run, output } : run)
  }
  return out
}

/** An image reference as Docker normalises it: `python` is `docker.io/library/python:latest`. */
export interface ImageName {
  /** `docker.io/library/python`. */
  repository: string
  /** The repository as a user writes it for Docker Hub: `python`, `user/app`. */
  familiar: string
  tag?: string
  digest?: string
  /** A Docker Hub official image (`library/…`). */
  official: boolean
}

/** Parses a reference; undefined when it is not one (a placeholder, a variable). */
export const imageName: (text: string) => ImageName | undefined = memoize((text: string) => {
  if (!text || /[$<>{}\s[\]]/.test(text)) return undefined
  // The common case, an official image by name and tag, without the full grammar's cost.
  const simple = /^([a-z0-9]+(?:[._-][a-z0-9]+)*)(?::([\w][\w.-]{0,127}))?$/.exec(text)
  if (simple) {
    const out: ImageName = {
      repository: `docker.io/library/${simple[1]}`,
      familiar: simple[1] ?? '',
      official: true,
    }
    if (simple[2] !== undefined) out.tag = simple[2]
    return out
  }
  try {
    const { domain, repository, tag, digest } = parseFamiliarName(text)
    if (!domain || !repository) return undefined
    const official = domain === 'docker.io' && repository.startsWith('library/')
    const familiar =
      domain === 'docker.io'
        ? official
          ? repository.slice('library/'.length)
          : repository
        : `${domain}/${repository}`
    const out: ImageName = { repository: `${domain}/${repository}`, familiar, official }
    if (tag !== undefined) out.tag = tag
    if (digest !== undefined) out.digest = digest
    return out
  } catch {
    return undefined
  }
})

/** `repo:tag` with Docker's defaults filled in, for comparing two mentions of one image. */
export function imageKey(text: string): string | undefined {
  const n = imageName(text)
  if (!n) return undefined
  return n.digest ? `${n.repository}@${n.digest}` : `${n.repository}:${n.tag ?? 'latest'}`
}

/** How a document makes an image exist on the reader's machine. */
export interface ImageSource {
  line: number
  /** The image, as {@link imageKey} gives it. */
  key: string
  ref: string
  how: 'build' | 'pull' | 'tag' | 'commit' | 'import' | 'compose'
}

/** Every command that builds, pulls, tags, commits or imports an image, in document order. */
export const imageSources: Reading<ImageSource[]> = (x) => {
  const out: ImageSource[] = []
  const add = (line: number, ref: string, how: ImageSource['how']) => {
    const key = imageKey(ref)
    if (key) out.push({ line, key, ref, how })
  }
  for (const command of x.doc.commands) {
    const argv = command.argv
    if (argv[0] !== 'docker') continue
    const build = dockerBuild(argv)
    if (build) {
      for (let i = 0; i < argv.length; i++) {
        const a = argv[i] ?? ''
        if (a === '-t' || a === '--tag') add(command.line, argv[i + 1] ?? '', 'build')
        else if (a.startsWith('--tag=')) add(command.line, a.slice(6), 'build')
      }
      continue
    }
    const sub = argv[1] === 'image' || argv[1] === 'container' ? argv.slice(2) : argv.slice(1)
    const operands = sub.slice(1).filter((a) => !a.startsWith('-'))
    if (sub[0] === 'pull' && operands[0]) add(command.line, operands[0], 'pull')
    if (sub[0] === 'tag' && operands[1]) add(command.line, operands[1], 'tag')
    if (sub[0] === 'commit' && operands[1]) add(command.line, operands[1], 'commit')
    if (sub[0] === 'import' && operands[1]) add(command.line, operands[1], 'import')
  }
  return out.sort((a, b) => a.line - b.line)
}

/** The document loads images from an archive (`docker load`): which ones, it does not say. */
export const loadsImages: Reading<boolean> = (x) =>
  x.doc.commands.some(
    (c) =>
      c.argv[0] === 'docker' && (c.argv[1] === 'load' || (c.argv[1] === 'image' && c.argv[2] === 'load')),
  )
