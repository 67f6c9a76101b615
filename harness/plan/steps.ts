/**
 * What a lesson step's text alone tells, before anything runs: its simple commands, the Docker
 * commands in it, a server that would never return, a step that needs a person. Pure.
 */
import { parse } from 'shell-quote'

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
