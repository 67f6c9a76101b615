/**
 * What runs that ended without cleaning up (kill -9, a crash, a machine that went down) left on
 * the engine and in the temp dir, found by the run label alone — never anything unlabelled.
 * A run is removed only when its owner label says it ran on this host and that process is gone;
 * a live run, a run of another host, or a label without an owner (an older version, another
 * tool) is left alone and listed with the commands that would remove it.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { RUN_LABEL } from '../settings/index.js'
import { type Liveness, liveness, OWNER_LABEL } from './owner.js'

/** Everything one run left. */
export interface Leftovers {
  runId: string
  owner?: string
  liveness: Liveness
  containers: string[]
  images: string[]
  networks: string[]
  /** Temp dirs and files named after the run. */
  temp: string[]
  /** docker CLI processes of this host still building for the run (their arguments carry its label). */
  clients: number[]
}

/** The file that says which process a run belongs to, for its temp dirs. */
export function ownerFile(runId: string, dir = tmpdir()): string {
  return join(dir, `lessonproof-${runId}-owner`)
}

export function writeOwnerFile(runId: string, owner: string, dir = tmpdir()): string {
  const path = ownerFile(runId, dir)
  writeFileSync(path, `${owner}\n`)
  return path
}

function empty(runId: string): Leftovers {
  return { runId, liveness: 'unknown', containers: [], images: [], networks: [], temp: [], clients: [] }
}

/** Processes whose arguments hold `org.lessonproof.run=<id>`: a run's docker build clients. */
export function buildClients(proc = '/proc'): Map<string, number[]> {
  const found = new Map<string, number[]>()
  let pids: string[]
  try {
    pids = readdirSync(proc).filter((d) => /^\d+$/.test(d))
  } catch {
    return found
  }
  for (const pid of pids) {
    let args: string[]
    try {
      args = readFileSync(join(proc, pid, 'cmdline'), 'utf8').split('\0')
    } catch {
      continue
    }
    for (const arg of args) {
      const id = arg.startsWith(`${RUN_LABEL}=`) ? arg.slice(RUN_LABEL.length + 1) : undefined
      if (id) found.set(id, [...(found.get(id) ?? []), Number(pid)])
    }
  }
  return found
}

/** Every run that left something, with what and whether its process still runs. */
export async function findLeftovers(
  docker: Dockerode,
  options: { tmp?: string; proc?: string; judge?: (owner: string | undefined) => Liveness } = {},
): Promise<Leftovers[]> {
  const tmp = options.tmp ?? tmpdir()
  const judge = options.judge ?? ((owner) => liveness(owner))
  const runs = new Map<string, Leftovers>()
  const of = (runId: string, owner: string | undefined) => {
    const run = runs.get(runId) ?? empty(runId)
    if (owner && !run.owner) run.owner = owner
    runs.set(runId, run)
    return run
  }
  const filters = { label: [RUN_LABEL] }
  const [containers, images, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listImages({ all: true, filters }),
    docker.listNetworks({ filters }),
  ])
  for (const c of containers) {
    const id = c.Labels?.[RUN_LABEL]
    if (id) of(id, c.Labels?.[OWNER_LABEL]).containers.push(c.Id)
  }
  for (const i of images) {
    const id = i.Labels?.[RUN_LABEL]
    if (id) of(id, i.Labels?.[OWNER_LABEL]).images.push(i.Id)
  }
  for (const n of networks) {
    const id = n.Labels?.[RUN_LABEL]
    if (id) of(id, n.Labels?.[OWNER_LABEL]).networks.push(n.Name)
  }
  let entries: string[] = []
  try {
    entries = readdirSync(tmp)
  } catch {
    // No temp dir to look in.
  }
  for (const name of entries) {
    const owned = /^lessonproof-([a-z0-9]+)-owner$/.exec(name)
    if (owned?.[1]) {
      let owner: string | undefined
      try {
        owner = readFileSync(join(tmp, name), 'utf8').trim()
      } catch {
        owner = undefined
      }
      of(owned[1], owner)
    }
  }
  for (const name of entries) {
    const id = /^lessonproof-([a-z0-9]+)-/.exec(name)?.[1]
    const run = id ? runs.get(id) : undefined
    // Temp dirs only of runs known from the engine or an owner file: a name alone proves nothing.
    if (run) run.temp.push(join(tmp, name))
  }
  const clients = buildClients(options.proc)
  for (const run of runs.values()) {
    run.liveness = judge(run.owner)
    run.clients = clients.get(run.runId) ?? []
  }
  return [...runs.values()].sort((a, b) => a.runId.localeCompare(b.runId))
}

/** The commands that remove a run's leftovers by hand. */
export function removalCommands(run: Leftovers): string[] {
  const out: string[] = []
  if (run.clients.length > 0) out.push(`kill ${run.clients.join(' ')}`)
  if (run.containers.length > 0) out.push(`docker rm -f -v ${run.containers.map(short).join(' ')}`)
  if (run.images.length > 0) out.push(`docker rmi -f ${run.images.map(short).join(' ')}`)
  if (run.networks.length > 0) out.push(`docker network rm ${run.networks.join(' ')}`)
  if (run.temp.length > 0) out.push(`rm -rf ${run.temp.join(' ')}`)
  return out
}

function short(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12)
}

/**
 * Removes one run's leftovers: its build clients first (the engine then cancels their builds),
 * then containers with their anonymous volumes, images, networks, temp dirs. Returns what could
 * not be removed, each with the command that would.
 */
export async function removeLeftovers(docker: Dockerode, run: Leftovers): Promise<string[]> {
  const failed: string[] = []
  for (const pid of run.clients) {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      // Gone already.
    }
  }
  if (run.clients.length > 0) await new Promise((resolve) => setTimeout(resolve, 1_000))
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work()
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) failed.push(what)
    }
  }
  await Promise.all(
    run.containers.map((id) =>
      attempt(`docker rm -f -v ${short(id)}`, () => docker.getContainer(id).remove({ force: true, v: true })),
    ),
  )
  // Images after their containers; an image this run made twice goes with either.
  await Promise.all(
    run.images.map((id) =>
      attempt(`docker rmi -f ${short(id)}`, () => docker.getImage(id).remove({ force: true })),
    ),
  )
  await Promise.all(
    run.networks.map((name) => attempt(`docker network rm ${name}`, () => docker.getNetwork(name).remove())),
  )
  for (const path of run.temp) {
    try {
      rmSync(path, { recursive: true, force: true })
    } catch {
      failed.push(`rm -rf ${path}`)
    }
  }
  return failed
}

/**
 * What is still on the engine under this run's own label once its janitor is done: something the
 * engine finished making after an interruption asked for it to go. Removed the same way; returns
 * the commands for what could not be.
 */
export async function sweepRun(docker: Dockerode, runId: string): Promise<string[]> {
  const filters = { label: [`${RUN_LABEL}=${runId}`] }
  const [containers, images, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listImages({ all: true, filters }),
    docker.listNetworks({ filters }),
  ])
  const run = empty(runId)
  run.containers = containers.map((c) => c.Id)
  run.images = images.map((i) => i.Id)
  run.networks = networks.map((n) => n.Name)
  return removeLeftovers(docker, run)
}

/** Removes what every dead run of this host left; says what it did. Never touches a live or unknown run. */
export async function sweepDeadRuns(
  docker: Dockerode,
  options: { except: string; log: (line: string) => void; tmp?: string },
): Promise<void> {
  let runs: Leftovers[]
  try {
    runs = await findLeftovers(docker, options.tmp ? { tmp: options.tmp } : {})
  } catch (error) {
    options.log(`lessonproof: could not look for what earlier runs left: ${(error as Error).message}`)
    return
  }
  for (const run of runs) {
    if (run.runId === options.except || run.liveness !== 'dead') continue
    const failed = await removeLeftovers(docker, run)
    options.log(
      `lessonproof: removed what run ${run.runId} left when it ended without cleaning up (${describe(run)})`,
    )
    if (failed.length > 0)
      options.log(`lessonproof: could not remove all of it; remove it with: ${failed.join('; ')}`)
  }
}

export function describe(run: Leftovers): string {
  const parts: string[] = []
  const count = (n: number, one: string) => {
    if (n > 0) parts.push(`${n} ${one}${n === 1 ? '' : 's'}`)
  }
  count(run.clients.length, 'build client')
  count(run.containers.length, 'container')
  count(run.images.length, 'image')
  count(run.networks.length, 'network')
  count(run.temp.length, 'temp file')
  return parts.join(', ') || 'nothing'
}
