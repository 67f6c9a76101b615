/**
 * The shell side of a workstation: the scripts lessonproof puts into it (the step runner that
 * carries the working directory and variables from step to step, the `docker` stand-in that
 * hands Docker commands to lessonproof) and what they say back, plus what a step's text alone
 * tells: the Docker commands in it, a server that never returns, a step that needs a person.
 * Pure: no engine; the scripts run in any bash, so they are tested on the host too.
 */

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

/** The prefix bash gives the errors of a step's command: the step script's path and line. */
const STEP_ERROR = new RegExp(`(^|\\n)${STATE_DIR}/step\\.sh: line \\d+: `, 'g')

/**
 * A step's stderr as the reader's terminal shows it: bash names itself in an error
 * (`bash: ./server: No such file or directory`), not the step script lessonproof runs it from.
 */
export function asReaderSees(stderr: string): string {
  return stderr.replace(STEP_ERROR, '$1bash: ')
}

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

/**
 * The workstation's `sudo`: the reader has the rights a lesson's `sudo` asks for, and the steps
 * already run as the workstation's user, so it runs the command as it is (its options dropped).
 */
export const SUDO_SHIM = `#!/bin/bash
# lessonproof: sudo in a lesson's step runs the command as the workstation's user.
while [ $# -gt 0 ]; do
  case $1 in
    -u|-g|-C|-D|-h|-p|-r|-t|-U) shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) break ;;
  esac
done
exec "$@"
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

// What a step's text alone tells is pure planning: it lives with the walk's plan.
export { findDockerCommands, looksLongRunning, needsPerson, simpleCommands } from '../plan/steps.js'
