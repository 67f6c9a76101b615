/**
 * What a container of an image runs, as its Dockerfile and the document's files say: the base
 * image its final stage comes from, its command, the ports it exposes and listens on, its
 * environment and the packages its RUN steps install. Ports, health checks and tools are all
 * held against this one reading.
 */
import { type DockerfileModel, parseDockerfile, type Stage } from '../../dockerfile/index.js'
import { memoize } from '../../memo.js'
import type { FileVersion } from '../../model/index.js'
import { segments } from '../../parse/index.js'
import { type ImageName, imageName } from './docker-cli.js'
import { serverPort } from './official-images.js'
import { globalArgs, substitute } from './references.js'

/** A container's view of an image built from a Dockerfile. */
export interface Runtime {
  model: DockerfileModel
  /** The image outside the Dockerfile the final stage starts from, ARGs substituted. */
  base: string
  /** 1-based line of that FROM within the Dockerfile. */
  baseLine: number
  /** ENTRYPOINT and CMD as one argv (exec form, or `/bin/sh -c …` for the shell form). */
  command?: { argv: string[]; line: number; text: string }
  expose: { port: number; line: number }[]
  env: Record<string, string>
  /** Packages a RUN of the final stage (or a stage it is built on) installs. */
  installs: Set<string>
  healthcheck?: { text: string; line: number }
  /** A COPY or ADD writes under /etc: the base image's server may be configured otherwise. */
  configures: boolean
}

/** `CMD ["a","b"]` → ['a','b']; `CMD a b` → ['/bin/sh','-c','a b']. */
function commandArgv(args: string): string[] {
  if (args.startsWith('[')) {
    try {
      const parsed = JSON.parse(args) as unknown
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed
    } catch {
      // not JSON: Docker runs it in a shell
    }
  }
  return ['/bin/sh', '-c', args]
}

const INSTALL = /\b(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)\s+(?:-\S+\s+)*(?:install|add)\s+([^&|;]*)/g

function stageChain(model: DockerfileModel, stage: Stage | undefined): Stage[] {
  const chain: Stage[] = []
  let at = stage
  while (at && !chain.includes(at)) {
    chain.unshift(at)
    const parent: Stage | undefined = model.stages
      .slice(0, at.index)
      .find((s) => s.name !== undefined && s.name.toLowerCase() === at?.image.toLowerCase())
    at = parent
  }
  return chain
}

function runtimeUncached(content: string): Runtime {
  const model = parseDockerfile(content)
  const globals = globalArgs(content)
  const chain = stageChain(model, model.stages.at(-1))
  const first = chain[0]
  const out: Runtime = {
    model,
    base: substitute(first?.image ?? '', globals),
    baseLine: first?.line ?? 1,
    expose: [],
    env: {},
    installs: new Set(),
    configures: false,
  }
  let entrypoint: string[] = []
  let cmd: { argv: string[]; line: number; text: string } | undefined
  for (const stage of chain) {
    for (const step of stage.steps) {
      if (step.keyword === 'ENV')
        for (const e of step.env ?? []) out.env[e.name] = substitute(e.value, out.env)
      if (step.keyword === 'EXPOSE')
        for (const p of step.args.split(/\s+/)) {
          const port = Number(/^(\d+)(?:\/\w+)?$/.exec(substitute(p, { ...globals, ...out.env }))?.[1])
          if (port) out.expose.push({ port, line: step.line })
        }
      if (step.keyword === 'RUN')
        for (const m of step.args.matchAll(INSTALL))
          for (const pkg of (m[1] ?? '').split(/\s+/)) {
            const name = pkg.replace(/[=<>].*$/, '')
            if (/^[a-z0-9][\w.+-]*$/i.test(name)) out.installs.add(name.toLowerCase())
          }
      if (step.keyword === 'ENTRYPOINT') {
        entrypoint = commandArgv(step.args)
        cmd = { argv: [], line: step.line, text: step.args }
      }
      if (step.keyword === 'CMD') cmd = { argv: commandArgv(step.args), line: step.line, text: step.args }
      if (step.keyword === 'HEALTHCHECK') out.healthcheck = { text: step.args, line: step.line }
      if ((step.keyword === 'COPY' || step.keyword === 'ADD') && /\s\/etc\/\S*$/.test(` ${step.args}`))
        out.configures = true
    }
  }
  if (cmd || entrypoint.length > 0) {
    const argv = [...entrypoint, ...(cmd?.argv ?? [])]
    out.command = { argv, line: cmd?.line ?? 1, text: cmd?.text ?? '' }
  }
  return out
}

export const runtimeOf: (content: string) => Runtime = memoize(runtimeUncached, 1000)

/** Where a container listens, and why a reviewer thinks so. */
export interface Listen {
  port: number
  /**
   * `command`: the command names the port (`--port 8000`); `default`: the server the command
   * runs listens there unless told otherwise; `app`: the application code names it
   * (`app.listen(3000)`); `image`: the official image's server.
   */
  how: 'command' | 'default' | 'app' | 'image'
  why: string
}

/**
 * Servers' default ports when the command names none, from each server's documentation:
 * uvicorn `--port` (default 8000), gunicorn `bind` (default 127.0.0.1:8000), hypercorn `--bind`
 * (default 127.0.0.1:8000), `flask run --port` (default 5000), `fastapi run` (default 8000),
 * Python's `http.server` (default 8000), Django's `runserver` (default 8000), `streamlit run`
 * (`server.port`, default 8501).
 */
const SERVER_DEFAULTS: Record<string, number> = {
  uvicorn: 8000,
  gunicorn: 8000,
  hypercorn: 8000,
  flask: 5000,
  fastapi: 8000,
  'http.server': 8000,
  runserver: 8000,
  streamlit: 8501,
}

function numberIn(text: string | undefined, env: Record<string, string>): number | undefined {
  if (text === undefined) return undefined
  const value = substitute(text, env)
  const m = /(?:^|:)(\d{2,5})$/.exec(value)
  return m ? Number(m[1]) : undefined
}

/** The server a command line runs and the port it names, or its default. */
function portOfArgv(
  argv: string[],
  env: Record<string, string>,
  files: Record<string, FileVersion>,
): Listen | undefined {
  // `sh -c "…"`: the commands the shell runs.
  const c = argv.indexOf('-c')
  if (c > 0 && /(?:^|\/)(?:ba|da|z)?sh$/.test(argv[0] ?? '')) {
    for (const inner of segments(argv.slice(c + 1).join(' '))) {
      const found = portOfArgv(inner, env, files)
      if (found) return found
    }
    return undefined
  }
  const words = argv.map((a) => a.replace(/^.*\//, ''))
  const option = (names: string[]): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i] ?? ''
      for (const n of names) {
        if (a === n) return argv[i + 1]
        if (a.startsWith(`${n}=`)) return a.slice(n.length + 1)
      }
    }
    return undefined
  }
  const server =
    words.find((w) => w === 'uvicorn' || w === 'gunicorn' || w === 'hypercorn' || w === 'streamlit') ??
    (words.includes('http.server') ? 'http.server' : undefined) ??
    (words.includes('flask') && words.includes('run') ? 'flask' : undefined) ??
    (words.includes('fastapi') && (words.includes('run') || words.includes('dev')) ? 'fastapi' : undefined) ??
    (words.includes('runserver') ? 'runserver' : undefined)
  if (server) {
    // A config file or environment can name the port where the command does not.
    if (
      (server === 'gunicorn' || server === 'hypercorn') &&
      (option(['-c', '--config']) !== undefined || env.GUNICORN_CMD_ARGS)
    )
      return undefined
    if (argv.some((a) => a === '--uds' || a === '--fd' || a.startsWith('--uds=') || a.startsWith('--fd=')))
      return undefined
    let named: string | undefined
    if (server === 'gunicorn' || server === 'hypercorn') named = option(['-b', '--bind'])
    else if (server === 'flask') named = option(['-p', '--port']) ?? env.FLASK_RUN_PORT
    else if (server === 'streamlit') named = option(['--server.port']) ?? env.STREAMLIT_SERVER_PORT
    else if (server === 'http.server') {
      const at = argv.indexOf('http.server')
      named = argv.slice(at + 1).find((a) => /^\d+$/.test(a))
    } else if (server === 'runserver') {
      const at = argv.indexOf('runserver')
      named = argv.slice(at + 1).find((a) => /^(?:[\w.]+:)?\d+$/.test(a))
    } else named = option(['--port']) ?? (server === 'uvicorn' ? env.UVICORN_PORT : undefined)
    const port = numberIn(named, env)
    if (port) return { port, how: 'command', why: `its command runs ${server} on port ${port}` }
    if (named !== undefined) return undefined
    const dflt = SERVER_DEFAULTS[server] as number
    return {
      port: dflt,
      how: 'default',
      why: `its command runs ${server} without a port, which listens on ${dflt}`,
    }
  }
  // `node server.js`, `python app.py`: the application code names its port.
  const program = words[0] ?? ''
  const script = argv.slice(1).find((a) => /\.(?:m?js|cjs|ts|py)$/.test(a))
  if (script && /^(?:node|python3?|bun|deno|ts-node|tsx)$/.test(program)) {
    const file =
      files[script.replace(/^\.\//, '')] ?? Object.values(files).find((f) => f.name.endsWith(`/${script}`))
    return file ? portOfApp(file, env) : undefined
  }
  return undefined
}

/** The port an application file listens on: `app.listen(3000)`, `app.run(port=5000)`, `uvicorn.run(…)`. */
export function portOfApp(file: FileVersion, env: Record<string, string>): Listen | undefined {
  const code = file.content
  const constant = (name: string): number | undefined => {
    const m = new RegExp(
      String.raw`\b${name}\s*=\s*(?:process\.env\.(\w+)\s*\|\|\s*|int\(os\.(?:environ\.get|getenv)\(\s*["'](\w+)["']\s*,\s*["']?)?["']?(\d{2,5})`,
    ).exec(code)
    if (!m) return undefined
    const fromEnv = env[m[1] ?? m[2] ?? '']
    return Number(fromEnv && /^\d+$/.test(fromEnv) ? fromEnv : m[3])
  }
  const listen = /\.listen\(\s*(?:(\d{2,5})|([A-Za-z_]\w*))/.exec(code)
  if (listen) {
    const port = listen[1] ? Number(listen[1]) : constant(listen[2] ?? '')
    if (port) return { port, how: 'app', why: `${file.name} listens on ${port}` }
  }
  const run = /\b(uvicorn\.run|app\.run|\.run_app)\(([^)]*)\)/.exec(code)
  if (run) {
    const named = /\bport\s*=\s*(?:(\d{2,5})|([A-Za-z_]\w*))/.exec(run[2] ?? '')
    const port = named ? (named[1] ? Number(named[1]) : constant(named[2] ?? '')) : undefined
    if (port) return { port, how: 'app', why: `${file.name} runs its server on port ${port}` }
    if (named) return undefined
    if (run[1] === 'uvicorn.run')
      return { port: 8000, how: 'default', why: `${file.name} runs uvicorn without a port (8000)` }
    if (run[1] === 'app.run' && /\bFlask\(/.test(code))
      return { port: 5000, how: 'default', why: `${file.name} runs Flask's server without a port (5000)` }
  }
  return undefined
}

/** How a container of this image is started: its own command, or the one `docker run` / compose gives. */
export interface Start {
  /** Replaces the image's CMD (arguments after the image in `docker run`, compose `command:`). */
  args?: string[]
  env?: Record<string, string>
}

/**
 * Where a container of a Dockerfile's image listens: what its command (or the one it is started
 * with) names, a server's default, its application code; otherwise the base image's server.
 */
export function listenOf(
  rt: Runtime,
  files: Record<string, FileVersion>,
  start: Start = {},
): Listen | undefined {
  const env = { ...rt.env, ...(start.env ?? {}) }
  const argv = start.args && start.args.length > 0 ? start.args : rt.command?.argv
  if (argv && argv.length > 0) return portOfArgv(argv, env, files)
  // The base image's server, unless the Dockerfile says otherwise: another EXPOSE, or its own
  // configuration (`COPY nginx.conf /etc/nginx/…` may listen anywhere).
  const base = imageName(rt.base)
  const listen = base ? listenOfImage(base) : undefined
  if (!listen) return undefined
  if (rt.expose.length > 0 && !rt.expose.some((e) => e.port === listen.port)) return undefined
  if (rt.configures) return undefined
  return listen
}

/** Where a container of an official server image listens when started with its own command. */
export function listenOfImage(
  image: ImageName,
  start: Start = {},
  files: Record<string, FileVersion> = {},
): Listen | undefined {
  if (start.args && start.args.length > 0) return portOfArgv(start.args, start.env ?? {}, files)
  const port = serverPort(image)
  return port
    ? { port, how: 'image', why: `the official ${image.familiar} image listens on ${port}` }
    : undefined
}
