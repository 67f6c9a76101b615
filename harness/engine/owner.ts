/**
 * Which process a run belongs to, written on everything the run makes, so a later run can tell
 * a dead run's leftovers from a live run's work: the host's name, the process id, and the
 * process's start time (so a reused pid is not mistaken for the run). Only a run on this host
 * can be judged; anything else is left alone.
 */
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'

/** The label that names the run's owner: `<host>/<pid>/<start>`. */
export const OWNER_LABEL = 'org.lessonproof.owner'

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or '' where there is no /proc. */
export function startOf(
  pid: number,
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): string {
  try {
    const stat = read(`/proc/${pid}/stat`)
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[19] ?? ''
  } catch {
    return ''
  }
}

/** This process as an owner. */
export function currentOwner(pid = process.pid): string {
  return `${hostname()}/${pid}/${startOf(pid)}`
}

export type Liveness = 'alive' | 'dead' | 'unknown'

/** What can be known of a process: whether it exists and, on Linux, when it started. */
export interface ProcessProbe {
  exists: boolean
  start?: string
}

/** /proc where there is one; else signal 0 (EPERM: it exists, owned by someone else). */
export function probeProcess(pid: number): ProcessProbe {
  const start = startOf(pid)
  if (start !== '') return { exists: true, start }
  try {
    readFileSync('/proc/self/stat')
    return { exists: false }
  } catch {
    // No /proc on this system.
  }
  try {
    process.kill(pid, 0)
    return { exists: true }
  } catch (error) {
    return { exists: (error as NodeJS.ErrnoException).code === 'EPERM' }
  }
}

/**
 * Whether the process an owner label names still runs. `unknown` for another host, or a label
 * this version did not write: such leftovers are never removed automatically.
 */
export function liveness(
  owner: string | undefined,
  here = hostname(),
  probe: (pid: number) => ProcessProbe = probeProcess,
): Liveness {
  const m = owner ? /^(.+)\/(\d+)\/(\d*)$/.exec(owner) : null
  if (!m || m[1] !== here) return 'unknown'
  const found = probe(Number(m[2]))
  if (!found.exists) return 'dead'
  // Without start times a live pid cannot be told from a reused one: taken as alive.
  if (!m[3] || found.start === undefined) return 'alive'
  return found.start === m[3] ? 'alive' : 'dead'
}
