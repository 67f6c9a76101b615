/**
 * The arguments of the Docker commands a walk serves, read as the Docker CLI reads them: short
 * flags in clusters (`-dit`), values inline or after (`-p8080:80`, `--name=x`, `--name x`), and
 * the operands after them. Pure.
 */

/** Flags that take a value, per command (beyond the global ones). */
const VALUED: Record<string, string[]> = {
  run: [
    '-p',
    '--publish',
    '-e',
    '--env',
    '--env-file',
    '-v',
    '--volume',
    '--mount',
    '-w',
    '--workdir',
    '-u',
    '--user',
    '--entrypoint',
    '--network',
    '--net',
    '--restart',
    '-m',
    '--memory',
    '--cpus',
    '-l',
    '--label',
    '-h',
    '--hostname',
    '--add-host',
    '--platform',
    '--pull',
    '--name',
    '--health-cmd',
    '--health-interval',
    '--health-timeout',
    '--health-retries',
    '--stop-signal',
    '--stop-timeout',
    '--log-driver',
    '--log-opt',
    '--cap-add',
    '--cap-drop',
    '--security-opt',
    '--tmpfs',
    '--ulimit',
    '--shm-size',
    '--memory-swap',
    '--cpu-shares',
    '--gpus',
    '--device',
    '--dns',
    '--ipc',
    '--pid',
    '--expose',
    '--cidfile',
    '--label-file',
    '--runtime',
    '--init-path',
    '--volumes-from',
    '--link',
  ],
  build: [
    '-t',
    '--tag',
    '-f',
    '--file',
    '--build-arg',
    '--target',
    '--platform',
    '--progress',
    '--network',
    '--label',
    '--cache-from',
    '--secret',
    '--ssh',
    '-o',
    '--output',
    '--iidfile',
    '--add-host',
    '-m',
    '--memory',
    '--shm-size',
    '--ulimit',
    '--cpu-shares',
  ],
  exec: ['-e', '--env', '-w', '--workdir', '-u', '--user', '--env-file', '--detach-keys'],
  images: ['--format', '-f', '--filter'],
  ps: ['--format', '-f', '--filter', '-n', '--last'],
  history: ['--format'],
  inspect: ['-f', '--format', '--type'],
  logs: ['--tail', '-n', '--since', '--until'],
  stop: ['-t', '--time', '-s', '--signal'],
  restart: ['-t', '--time', '-s', '--signal'],
  kill: ['-s', '--signal'],
  rm: [],
  rmi: [],
  start: ['--detach-keys'],
  tag: [],
}

/** A Docker command's flags in the order given (`true` for a flag without value) and operands. */
export interface Parsed {
  flags: { name: string; value: string | true }[]
  operands: string[]
}

/**
 * Splits arguments into flags and operands. For `run` and `exec`, the first operand ends the
 * flags (what follows is the container's command).
 */
export function parseArgs(command: string, args: string[]): Parsed {
  const valued = new Set(VALUED[command] ?? [])
  const flags: Parsed['flags'] = []
  const operands: string[] = []
  const add = (name: string, value: string | true) => flags.push({ name, value })
  const stopAtOperand = command === 'run' || command === 'exec'
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (operands.length > 0 && stopAtOperand) {
      operands.push(arg)
      continue
    }
    if (arg === '--') {
      operands.push(...args.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq < 0 ? arg : arg.slice(0, eq)
      if (eq >= 0) add(name, arg.slice(eq + 1))
      else if (valued.has(name)) add(name, args[++i] ?? '')
      else add(name, true)
    } else if (arg.startsWith('-') && arg.length > 1) {
      // A cluster: `-dit`, `-p8080:80`, `-e` followed by its value.
      for (let k = 1; k < arg.length; k++) {
        const name = `-${arg[k]}`
        if (valued.has(name)) {
          const rest = arg.slice(k + 1).replace(/^=/, '')
          add(name, rest !== '' ? rest : (args[++i] ?? ''))
          break
        }
        add(name, true)
      }
    } else operands.push(arg)
  }
  return { flags, operands }
}

/** Values of a flag under any of its names, in the order given (the CLI takes the last one). */
export function values(parsed: Parsed, ...names: string[]): string[] {
  return parsed.flags
    .filter((f) => names.includes(f.name))
    .map((f) => f.value)
    .filter((v): v is string => v !== true)
}

/** Whether a boolean flag is set (`-d`, `--detach`, `--detach=true`). */
export function isSet(parsed: Parsed, ...names: string[]): boolean {
  return parsed.flags.some((f) => names.includes(f.name) && (f.value === true || f.value === 'true'))
}

/** `-p` as Docker reads it: `[ip:][hostPort:]containerPort[/proto]`; an empty host port is Docker's to choose. */
export function readPublish(
  spec: string,
): { hostIp: string; hostPort: number | undefined; containerPort: number; proto: string } | undefined {
  const [ports = '', proto = 'tcp'] = spec.split('/')
  const parts = ports.startsWith('[') ? (/^\[([^\]]+)\]:(.*)$/.exec(ports)?.slice(1) ?? []) : ports.split(':')
  let hostIp = ''
  let host = ''
  let container = ''
  if (ports.startsWith('[')) {
    hostIp = parts[0] ?? ''
    ;[host = '', container = ''] = (parts[1] ?? '').split(':')
  } else if (parts.length === 3) [hostIp = '', host = '', container = ''] = parts
  else if (parts.length === 2) [host = '', container = ''] = parts
  else container = parts[0] ?? ''
  const containerPort = Number(container)
  if (!Number.isInteger(containerPort) || containerPort <= 0 || containerPort > 65535) return undefined
  const hostPort = host === '' ? undefined : Number(host)
  if (hostPort !== undefined && (!Number.isInteger(hostPort) || hostPort <= 0 || hostPort > 65535))
    return undefined
  return { hostIp, hostPort, containerPort, proto }
}

/** An image reference with its tag made explicit, as Docker resolves it (`app` → `app:latest`). */
export function withTag(ref: string): string {
  if (ref.includes('@')) return ref
  const slash = ref.lastIndexOf('/')
  return ref.slice(slash + 1).includes(':') ? ref : `${ref}:latest`
}
