/**
 * The shell side of a workstation: the scripts lessonproof puts into it (the step runner that
 * carries the working directory and variables from step to step, the `docker` stand-in that
 * hands Docker commands to lessonproof) and what they say back, plus what a step's text alone
 * tells: the Docker commands in it, a server that never returns, a step that needs a person.
 * Pure: no engine; the scripts run in any bash, so they are tested on the host too.
 */

import { parse } from 'shell-quote'

/** Where the scripts and the steps' state live in the workstation (a tmpfs). */
export const STATE_DIR = '/run/lessonproof'
/** Where the lesson's directory is mounted. */
export const LESSON_DIR = '/lesson'

/** Bash's own variables and lessonproof's: never carried from one step to the next. */
const NOT_CARRIED = [
  '__lp_*',
  'LESSONPROOF_*',
  'BASH',
  'BASH_*',
  'BASHOPTS',
  'BASHPID',
  'COLUMNS',
  'COMP_*',
  'DIRSTACK',
  'EPOCHREALTIME',
  'EPOCHSECONDS',
  'EUID',
  'FUNCNAME',
  'GROUPS',
  'HISTCMD',
  'HOSTNAME',
  'HOSTTYPE',
  'IFS',
  'LINENO',
  'LINES',
  'MACHTYPE',
  'OLDPWD',
  'OPTARG',
  'OPTERR',
  'OPTIND',
  'OSTYPE',
  'PIPESTATUS',
  'PPID',
  'PS4',
  'PWD',
  'RANDOM',
  'SECONDS',
  'SHELLOPTS',
  'SHLVL',
  'SRANDOM',
  'UID',
  '_',
].join('|')

/**
 * Runs one step: `step.sh N COMMAND`. It starts where the last finished step left off (its
 * directory, its variables and functions), runs COMMAND with no terminal and stdin closed,
 * writes stdout/stderr to steps/N.out and N.err, and on exit (normal, `exit`, `set -e`) saves
 * the directory and variables and writes the exit status to steps/N.code. Run under
 * `setsid -w`, its process group is the step's: a time limit kills the whole group.
 */
export const STEP_SCRIPT = `# lessonproof: one step of a lesson, in the shell the steps before it left behind.
__lp_dir=\${LESSONPROOF_DIR:-${STATE_DIR}}
__lp_n=$1
__lp_command=$2
echo $$ > "$__lp_dir/steps/$__lp_n.pid"
__lp_save() {
  __lp_status=$?
  trap - EXIT
  pwd > "$__lp_dir/state/pwd.new" && mv "$__lp_dir/state/pwd.new" "$__lp_dir/state/pwd"
  {
    for __lp_v in $(compgen -v); do
      case $__lp_v in
        ${NOT_CARRIED}) ;;
        *) declare -p "$__lp_v" ;;
      esac
    done
    for __lp_f in $(compgen -A function); do
      case $__lp_f in __lp_*) ;; *) declare -f "$__lp_f" ;; esac
    done
  } > "$__lp_dir/state/vars.new" 2>/dev/null && mv "$__lp_dir/state/vars.new" "$__lp_dir/state/vars"
  echo "$__lp_status" > "$__lp_dir/steps/$__lp_n.code"
  exit "$__lp_status"
}
cd -- "$(cat "$__lp_dir/state/pwd" 2>/dev/null || echo "\${LESSONPROOF_LESSON:-${LESSON_DIR}}")" 2>/dev/null ||
  cd -- "\${LESSONPROOF_LESSON:-${LESSON_DIR}}"
if [ -f "$__lp_dir/state/vars" ]; then . "$__lp_dir/state/vars"; fi
export LESSONPROOF_STEP=$__lp_n
trap __lp_save EXIT
exec </dev/null >"$__lp_dir/steps/$__lp_n.out" 2>"$__lp_dir/steps/$__lp_n.err"
eval "$__lp_command"
`

/**
 * The workstation's \`docker\`: writes its arguments, working directory and environment (and
 * its stdin, for \`-i\` and \`-\`) to calls/ID.req, names ID on the requests pipe that
 * lessonproof follows, waits for calls/ID.res, and prints and exits as the reply says.
 */
export const DOCKER_SHIM = `#!/bin/bash
# lessonproof: Docker commands of a lesson are served by lessonproof, never by an engine socket.
__lp_dir=\${LESSONPROOF_DIR:-${STATE_DIR}}
__lp_id="$(date +%s%N)-$$-$RANDOM"
__lp_req="$__lp_dir/calls/$__lp_id.req"
__lp_res="$__lp_dir/calls/$__lp_id.res"
__lp_stdin=0
for __lp_a in "$@"; do
  case $__lp_a in -i|-it|-ti|--interactive|--interactive=true|-) __lp_stdin=1 ;; esac
done
{
  printf 'step %s\\n' "\${LESSONPROOF_STEP:-0}"
  printf 'cwd %s\\n' "$(pwd | base64 -w0)"
  for __lp_a in "$@"; do printf 'arg %s\\n' "$(printf '%s' "$__lp_a" | base64 -w0)"; done
  printf 'env %s\\n' "$(env -0 | base64 -w0)"
  if [ "$__lp_stdin" = 1 ]; then printf 'stdin %s\\n' "$(base64 -w0)"; fi
} > "$__lp_req.tmp" && mv "$__lp_req.tmp" "$__lp_req"
printf '%s\\n' "$__lp_id" > "$__lp_dir/requests"
while [ ! -e "$__lp_res" ]; do sleep 0.05; done
{ read -r __lp_code; read -r __lp_out; read -r __lp_err; } < "$__lp_res"
rm -f "$__lp_res" "$__lp_req"
printf '%s' "$__lp_out" | base64 -d
printf '%s' "$__lp_err" | base64 -d >&2
exit "\${__lp_code:-125}"
`

/** Prints what a step left: its status, the directory, and its output (base64, at most LIMIT bytes each). */
export const COLLECT_SCRIPT = `__lp_dir=\${LESSONPROOF_DIR:-${STATE_DIR}}
n=$1
limit=$2
printf 'code %s\\n' "$(cat "$__lp_dir/steps/$n.code" 2>/dev/null)"
printf 'pwd %s\\n' "$(cat "$__lp_dir/state/pwd" 2>/dev/null | base64 -w0)"
printf 'out %s\\n' "$(head -c "$limit" "$__lp_dir/steps/$n.out" 2>/dev/null | base64 -w0)"
printf 'err %s\\n' "$(head -c "$limit" "$__lp_dir/steps/$n.err" 2>/dev/null | base64 -w0)"
printf 'bytes %s %s\\n' "$(stat -c %s "$__lp_dir/steps/$n.out" 2>/dev/null || echo 0)" "$(stat -c %s "$__lp_dir/steps/$n.err" 2>/dev/null || echo 0)"
`

/**
 * The workstation's main process: makes the state directories and the requests pipe, then
 * copies every call ID written to the pipe to its stdout, which lessonproof follows as the
 * container's log. The scripts are written in afterwards by lessonproof.
 */
export const INIT_SCRIPT = `d=\${LESSONPROOF_DIR:-${STATE_DIR}}
mkdir -p "$d/bin" "$d/state" "$d/steps" "$d/calls" "$d/home" && mkfifo "$d/requests" || exit 1
echo ready
while :; do cat "$d/requests"; done
`

/** One Docker command a step ran, as the workstation's `docker` received it. */
export interface DockerCall {
  /** The arguments after `docker`, as the shell expanded them. */
  argv: string[]
  /** The working directory in the workstation. */
  cwd: string
  /** The step (its index) that ran it. */
  step: number
  /** The environment `docker` saw (DOCKER_BUILDKIT, variables named by `-e NAME`). */
  env: Record<string, string>
  /** What it read on stdin, for `-i` and `-`. */
  stdin?: Buffer
}

/** What lessonproof's engine action answers: printed by the workstation's `docker` as its own. */
export interface DockerReply {
  stdout: string | Buffer
  stderr: string | Buffer
  exitCode: number
}

function fromBase64(text: string): Buffer {
  return Buffer.from(text, 'base64')
}

/** Reads a calls/ID.req written by the `docker` stand-in. */
export function parseDockerCall(text: string): DockerCall {
  const call: DockerCall = { argv: [], cwd: '', step: 0, env: {} }
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ')
    const key = space < 0 ? line : line.slice(0, space)
    const value = space < 0 ? '' : line.slice(space + 1)
    if (key === 'step') call.step = Number(value)
    else if (key === 'cwd') call.cwd = fromBase64(value).toString('utf8').replace(/\n$/, '')
    else if (key === 'arg') call.argv.push(fromBase64(value).toString('utf8'))
    else if (key === 'stdin') call.stdin = fromBase64(value)
    else if (key === 'env') {
      for (const pair of fromBase64(value).toString('utf8').split('\0')) {
        const eq = pair.indexOf('=')
        if (eq > 0) call.env[pair.slice(0, eq)] = pair.slice(eq + 1)
      }
    }
  }
  return call
}

/** A reply as calls/ID.res: the exit status, then stdout and stderr in base64, a line each. */
export function encodeDockerReply(reply: DockerReply): string {
  const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64')
  return `${reply.exitCode}\n${b64(reply.stdout)}\n${b64(reply.stderr)}\n`
}

export interface Collected {
  /** The step's exit status, or `null` while it runs or when it was killed. */
  exitCode: number | null
  /** The working directory the last finished step left. */
  cwd: string
  stdout: string
  stderr: string
  /** Whether the output was longer than what was read. */
  truncated: boolean
}

/** Reads what COLLECT_SCRIPT printed. */
export function parseCollected(text: string, limit: number): Collected {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ')
    if (space > 0) fields.set(line.slice(0, space), line.slice(space + 1))
  }
  const code = fields.get('code') ?? ''
  const [outBytes = 0, errBytes = 0] = (fields.get('bytes') ?? '').split(' ').map(Number)
  return {
    exitCode: /^\d+$/.test(code) ? Number(code) : null,
    cwd: fromBase64(fields.get('pwd') ?? '')
      .toString('utf8')
      .replace(/\n$/, ''),
    stdout: fromBase64(fields.get('out') ?? '').toString('utf8'),
    stderr: fromBase64(fields.get('err') ?? '').toString('utf8'),
    truncated: outBytes > limit || errBytes > limit,
  }
}

type Token = ReturnType<typeof parse>[number]

/** A step's simple commands (words only), split at `;`, `&&`, `||`, `|`, `&` and parentheses. */
export function simpleCommands(command: string): string[][] {
  // Placeholders keep `$VAR` and `$(…)` as words instead of expanding them to nothing.
  const tokens: Token[] = parse(command, (name) => `$${name}`)
  const commands: string[][] = []
  let current: string[] = []
  const flush = () => {
    if (current.length > 0) commands.push(current)
    current = []
  }
  for (const token of tokens) {
    if (typeof token === 'string') current.push(token)
    else if ('op' in token) {
      // A redirection's target is not a word of the command; a glob is.
      if (token.op === 'glob') current.push((token as { pattern: string }).pattern)
      else if (/^[<>]/.test(token.op) || token.op === '>&') continue
      else flush()
    } else if ('comment' in token) flush()
  }
  flush()
  return commands.map((words) => {
    // Leading assignments (`DOCKER_BUILDKIT=1 docker build …`) are not the command.
    let k = 0
    while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k] ?? '')) k++
    return words.slice(k)
  })
}

/** The Docker commands of a step, each as its arguments after `docker` (for planning; at run time the workstation's `docker` reports them). */
export function findDockerCommands(command: string): string[][] {
  return simpleCommands(command)
    .filter((words) => words[0] === 'docker' || (words[0] === 'sudo' && words[1] === 'docker'))
    .map((words) => words.slice(words[0] === 'sudo' ? 2 : 1))
}

/** Why a step would not return by itself (a server in the foreground), or `undefined`. */
export function looksLongRunning(command: string): string | undefined {
  for (const words of simpleCommands(command)) {
    const [cmd = '', ...args] = words
    const line = words.join(' ')
    if (/^(uvicorn|gunicorn|hypercorn|flask|http-server|serve|nodemon)$/.test(cmd)) {
      if (cmd !== 'flask' || args[0] === 'run') return `${cmd} serves in the foreground`
    }
    if (/(^|\s)fastapi (dev|run)\b/.test(line)) return 'fastapi serves in the foreground'
    if (/^python3?$/.test(cmd) && /-m (http\.server|uvicorn|flask run)/.test(line))
      return `${line} serves in the foreground`
    if (/^(npm|yarn|pnpm)$/.test(cmd) && /^(start|run dev|dev|run start|run serve)$/.test(args.join(' '))) {
      return `${cmd} ${args.join(' ')} serves in the foreground`
    }
    if (cmd === 'tail' && args.some((a) => a === '-f' || a === '-F' || a === '--follow'))
      return 'tail -f follows forever'
    if (cmd === 'watch') return 'watch repeats forever'
    if (cmd === 'docker') {
      const [sub = '', ...rest] = args
      const follow = rest.some((a) => a === '-f' || a === '--follow')
      if ((sub === 'logs' || sub === 'events') && (follow || sub === 'events'))
        return `docker ${sub} follows forever`
      if (sub === 'run' && !rest.some((a) => /^-[a-zA-Z]*d[a-zA-Z]*$/.test(a) || a === '--detach')) {
        return 'docker run without -d stays attached to the container'
      }
      if (sub === 'compose' && rest[0] === 'up' && !rest.some((a) => a === '-d' || a === '--detach')) {
        return 'docker compose up without -d stays attached'
      }
    }
  }
  return undefined
}

/** Why a step needs a person at a terminal (an editor, an interactive shell, Ctrl+C), or `undefined`. */
export function needsPerson(command: string): string | undefined {
  for (const words of simpleCommands(command)) {
    const [cmd = '', ...args] = words
    if (/^(nano|vi|vim|nvim|emacs|code|pico|micro|less|more|top|htop)$/.test(cmd)) {
      return `${cmd} needs a person at a terminal`
    }
    if (cmd === 'docker' && (args[0] === 'run' || args[0] === 'exec')) {
      const tty = args.some((a) => /^-[a-zA-Z]*t[a-zA-Z]*$/.test(a) || a === '--tty')
      const interactive = args.some((a) => /^-[a-zA-Z]*i[a-zA-Z]*$/.test(a) || a === '--interactive')
      if (tty && interactive) return `docker ${args[0]} -it opens an interactive terminal`
    }
    if (cmd === 'read') return 'read waits for a person to type'
  }
  if (/ctrl\s*\+?\s*c/i.test(command)) return 'the step asks for Ctrl+C'
  return undefined
}
