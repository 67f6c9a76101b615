/**
 * A fake machine for the lab scripts: a PATH of fake commands (specs/support/lab-fakes/) in front
 * of a directory holding only the plain tools the scripts need, and a state directory that says
 * what the machine has (an engine, a registry, sudo…). The real scripts run on it unchanged, and
 * every fake records how it was called and as which user.
 */
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const REPO = resolve(import.meta.dirname, '../..')
const FAKES = join(REPO, 'specs/support/lab-fakes')

/** Real tools the scripts (and the fakes) use; everything else is absent unless faked. */
const TOOLS = [
  'bash',
  'sh',
  'env',
  'true',
  'false',
  'cat',
  'cut',
  'sha256sum',
  'mkdir',
  'rm',
  'rmdir',
  'mktemp',
  'dirname',
  'basename',
  'sed',
  'awk',
  'sort',
  'head',
  'tail',
  'grep',
  'tr',
  'find',
  'tar',
  'chmod',
  'setsid',
  'flock',
  'sleep',
  'kill',
  'timeout',
  'ls',
  'touch',
  'cp',
  'mv',
  'wc',
  'date',
  'readlink',
]
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

/** What the fake machine has at the start. */
export interface Machine {
  /** The user's uid: 0 is root, 1001 plays GitHub's `runner`. */
  uid: 0 | 1001
  /** Fake commands on PATH from the start (sudo, dockerd, docker-registry…); docker, id, apt-get and a few others always are. */
  commands?: string[]
  /** State files (see lab-fakes/README.md): engine-up, hub, registry-up, sudo-password… */
  state?: string[]
  /** Images the engine holds: name → fields (label, digest). */
  images?: Record<string, Record<string, string>>
}

export interface Run {
  status: number | null
  stderr: string
  stdout: string
}

export interface World {
  dir: string
  state: string
  /** Runs `bash SCRIPT ARGS…` (a path in the repository) on the machine. */
  run(script: string, args?: string[], env?: Record<string, string>): Run
  /** The calls the fakes recorded, as `uid=N name args…`, in order. */
  calls(): string[]
  /** Only the calls of these commands. */
  callsOf(...names: string[]): string[]
  has(stateFile: string): boolean
  image(name: string): Record<string, string> | undefined
  /** Stops what the scripts left running (fake registries) and removes the machine. */
  dispose(): void
}

function which(tool: string): string {
  for (const dir of SYSTEM_DIRS) if (existsSync(join(dir, tool))) return join(dir, tool)
  throw new Error(`the lab specs need '${tool}' on this machine`)
}

const imageFile = (state: string, name: string) => join(state, 'images', name.replace(/[/:]/g, '_'))

export function fakeMachine(machine: Machine): World {
  const dir = mkdtempSync(join(tmpdir(), 'lessonproof-lab-'))
  const bin = join(dir, 'bin')
  const sys = join(dir, 'sys')
  const state = join(dir, 'state')
  for (const d of [bin, sys, state, join(state, 'images')]) mkdirSync(d, { recursive: true })
  for (const tool of TOOLS) symlinkSync(which(tool), join(sys, tool))
  for (const cmd of [
    'docker',
    'id',
    'apt-get',
    'pgrep',
    'curl',
    'systemctl',
    'npm',
    ...(machine.commands ?? []),
  ]) {
    copyFileSync(join(FAKES, cmd), join(bin, cmd))
  }
  for (const file of machine.state ?? []) writeFileSync(join(state, file), '')
  for (const [name, fields] of Object.entries(machine.images ?? {})) {
    writeFileSync(
      imageFile(state, name),
      Object.entries(fields)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    )
  }
  writeFileSync(join(state, 'calls.log'), '')

  const calls = () => readFileSync(join(state, 'calls.log'), 'utf8').split('\n').filter(Boolean)
  return {
    dir,
    state,
    run(script, args = [], env = {}) {
      const r = spawnSync('bash', [join(REPO, script), ...args], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          PATH: `${bin}:${sys}`,
          HOME: dir,
          TMPDIR: dir,
          FAKE_STATE: state,
          FAKE_UID: String(machine.uid),
          FAKE_BIN: bin,
          FAKE_INSTALLABLE: FAKES,
          // Every path a script writes goes under the machine's directory.
          LESSONPROOF_DOCKERD_LOG: join(dir, 'dockerd.log'),
          LESSONPROOF_DOCKERD_PIDFILE: join(dir, 'docker.pid'),
          LESSONPROOF_DEB_CACHE: join(dir, 'debs'),
          LESSONPROOF_LOCK_DIR: dir,
          LESSONPROOF_REGISTRY_DIR: join(dir, 'registry'),
          LESSONPROOF_ENGINE_WAIT: '2',
          LESSONPROOF_REGISTRY_WAIT: '3',
          ...env,
        },
      })
      return { status: r.status, stderr: r.stderr, stdout: r.stdout }
    },
    calls,
    callsOf: (...names) => calls().filter((c) => names.includes(c.split(' ')[1] ?? '')),
    has: (file) => existsSync(join(state, file)),
    image(name) {
      const file = imageFile(state, name)
      if (!existsSync(file)) return undefined
      return Object.fromEntries(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      )
    },
    dispose() {
      const pidFile = join(dir, 'registry', 'pid')
      if (existsSync(pidFile)) {
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL')
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
