/**
 * A published or probed port is the one the container listens on: `docker run -p H:C`, a
 * `docker ps` PORTS column, Compose `ports:`, a health check's URL, and a Dockerfile's EXPOSE
 * beside the port its command serves on. Where the container listens is read from its command
 * (`--port`, `--bind`), its server's default, its application code, or the official image's
 * server; EXPOSE says it too, in words only.
 */
import { z } from 'zod'
import { isDockerfile } from '../dockerfile/index.js'
import type { Check } from '../model/index.js'
import { filesAt } from '../parse/index.js'
import { defineKind, type Extraction, fail, pass } from './kit/index.js'
import { composeFiles } from './readings/compose.js'
import { type ContainerImage, imageAt, serviceImage } from './readings/containers.js'
import { dockerRuns, imageKey } from './readings/docker-cli.js'
import { type Listen, listenOf, listenOfImage, runtimeOf, type Start } from './readings/runtime.js'

const Evidence = z.object({ port: z.number().int(), how: z.string(), why: z.string() })

export const port = defineKind({
  id: 'port',
  fields: {
    /** What states the port: a `docker run -p`, a `docker ps` row, Compose `ports:`, a health check, EXPOSE. */
    role: z.enum(['run', 'ps', 'compose', 'healthcheck', 'expose']),
    /** The container port stated. */
    port: z.number().int(),
    /** Where the container listens, and why a reviewer thinks so. */
    listens: Evidence.optional(),
    /** The ports its Dockerfile EXPOSEs. */
    expose: z.array(z.number().int()),
    /** For a `docker ps` row: the host:container pair the `docker run` that named the container published. */
    started: z
      .object({ line: z.number().int(), host: z.string().optional(), port: z.number().int() })
      .optional(),
    /** For a `docker ps` row: the host port shown. */
    host: z.string().optional(),
  },

  extract(x, emit) {
    const runs = x.read(dockerRuns)
    for (const run of runs) {
      const image = imageAt(x, run.image, run.command.line)
      const mounts = [...(run.options.get('-v') ?? []), ...(run.options.get('--volume') ?? [])].map(
        (v) => v.split(':')[1] ?? '',
      )
      const { listens, expose } = where(image, { args: run.args, env: run.env }, mounts)
      if (!listens && expose.length === 0) continue
      for (const p of run.publish) {
        emit({
          line: run.command.line,
          title: `docker run -p ${p.text} publishes the port ${run.image} listens on`,
          quote: `-p ${p.text} ${run.image}`,
          image: run.image,
          role: 'run',
          port: p.container,
          ...(listens ? { listens } : {}),
          expose,
        })
      }
    }
    psRows(x, emit, runs)
    for (const compose of x.read(composeFiles)) {
      for (const service of compose.services) {
        const image = serviceImage(x, service, compose.file.name)
        const start: Start = { env: service.environment }
        if (service.command) start.args = service.command.argv
        const { listens, expose } = where(image, start, service.mounts)
        if (!listens && expose.length === 0) continue
        for (const p of service.ports)
          emit({
            line: p.line,
            title: `compose service ${service.name} publishes ${p.text}, the port it listens on`,
            quote: `${compose.file.name} ${service.name} ports ${p.text}`,
            subject: `${compose.file.name} ${service.name}`,
            role: 'compose',
            port: p.container,
            ...(listens ? { listens } : {}),
            expose,
          })
        const probe = service.healthcheck && urlPort(service.healthcheck.text)
        if (probe && listens)
          emit({
            line: service.healthcheck?.line ?? service.line,
            title: `compose service ${service.name}'s health check probes port ${probe}, where it listens`,
            quote: `${compose.file.name} ${service.name} healthcheck ${service.healthcheck?.text}`,
            subject: `${compose.file.name} ${service.name}`,
            role: 'healthcheck',
            port: probe,
            listens,
            expose,
          })
      }
    }
    dockerfiles(x, emit)
  },

  check(claim) {
    const checks: Check[] = []
    if (claim.role === 'ps' && claim.started) {
      const s = claim.started
      const name = 'agrees with the docker run that started the container'
      const same =
        s.port === claim.port && (s.host === undefined || claim.host === undefined || s.host === claim.host)
      checks.push(
        same
          ? pass(name, `the docker run at line ${s.line} published ${s.host ? `${s.host}:` : ''}${s.port}`)
          : fail(
              name,
              `PORTS shows ${claim.host ?? ''}->${claim.port}, but the docker run at line ${s.line} published ${s.host ? `${s.host}:` : ''}${s.port}`,
              { expected: `${s.host ?? ''}:${s.port}`, measured: `${claim.host ?? ''}:${claim.port}` },
            ),
      )
    }
    const listens = claim.listens
    if (claim.role === 'expose' && listens) {
      const name = 'EXPOSE names the port the command serves on'
      checks.push(
        claim.expose.includes(listens.port)
          ? pass(name, `EXPOSE ${claim.expose.join(' ')} and ${listens.why}`)
          : fail(name, `EXPOSE ${claim.expose.join(' ')}, but ${listens.why}`, {
              expected: String(listens.port),
              measured: claim.expose.join(' '),
            }),
      )
      return checks
    }
    const name = 'is the port the container listens on'
    if (listens)
      checks.push(
        listens.port === claim.port
          ? pass(name, `port ${claim.port}: ${listens.why}`)
          : fail(
              name,
              `port ${claim.port} is ${claim.role === 'healthcheck' ? 'probed' : 'published'}, but ${listens.why}${claim.expose.length ? ` (EXPOSE ${claim.expose.join(' ')})` : ''}`,
              { expected: String(listens.port), measured: String(claim.port) },
            ),
      )
    else if (claim.expose.length > 0)
      checks.push(
        claim.expose.includes(claim.port)
          ? pass(name, `the Dockerfile EXPOSEs ${claim.port}`)
          : fail(
              name,
              `port ${claim.port} is published, but the Dockerfile EXPOSEs only ${claim.expose.join(' ')}`,
              {
                expected: claim.expose.join(' '),
                measured: String(claim.port),
              },
            ),
      )
    return checks
  },

  measured: false,
})

type Emit = Parameters<(typeof port)['extract']>[1]

/** Where a container of the image listens, and what its Dockerfile EXPOSEs. */
function where(
  image: ContainerImage,
  start: Start,
  mounts: string[] = [],
): { listens?: Listen; expose: number[] } {
  if (image.built) {
    const listens = listenOf(image.built.runtime, image.built.files, start)
    const expose = image.built.runtime.expose.map((e) => e.port)
    return listens ? { listens, expose } : { expose }
  }
  // A configuration mounted under /etc may make the server listen elsewhere.
  const configured = mounts.some((m) => m.startsWith('/etc/'))
  const listens = image.name && !configured ? listenOfImage(image.name, start) : undefined
  return listens ? { listens, expose: [] } : { expose: [] }
}

/** The port of an http URL a health check calls (`curl -f http://localhost:8000/health`). */
export function urlPort(text: string): number | undefined {
  const m = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?/.exec(text)
  if (!m) return undefined
  return m[1] ? Number(m[1]) : /https:/.test(m[0]) ? 443 : 80
}

/** `docker ps` rows: their PORTS against the image and the run that named the container. */
function psRows(x: Extraction, emit: Emit, runs: ReturnType<typeof dockerRuns>): void {
  for (const table of x.doc.tables) {
    if (table.kind !== 'ps') continue
    const portsAt = table.header.indexOf('PORTS')
    const imageAt_ = table.header.indexOf('IMAGE')
    const namesAt = table.header.indexOf('NAMES')
    if (portsAt === -1) continue
    for (const row of table.rows) {
      const ref = row.cells[imageAt_] ?? ''
      const containerName = row.cells[namesAt]
      for (const m of (row.cells[portsAt] ?? '').matchAll(
        /(?:([\d.]+|\[::\]|::):)?(\d+)->(\d+)(?:\/\w+)?/g,
      )) {
        const host = m[2]
        const containerPort = Number(m[3])
        const started = runs
          .filter((r) => r.name !== undefined && r.name === containerName && r.command.line < row.line)
          .at(-1)
        const publish = started?.publish.find((p) => p.container === containerPort) ?? started?.publish[0]
        const image = ref && imageKey(ref) ? imageAt(x, ref, row.line) : undefined
        const { listens, expose } = image
          ? where(image, started ? { args: started.args, env: started.env } : {})
          : { expose: [] as number[] }
        if (!listens && expose.length === 0 && !publish) continue
        emit({
          line: row.line,
          title: `docker ps shows ${ref || containerName} publishing ${m[0]}`,
          quote: `${containerName ?? ''} ${ref} ${m[0]}`,
          ...(ref ? { image: ref } : {}),
          role: 'ps',
          port: containerPort,
          ...(host ? { host } : {}),
          ...(listens ? { listens } : {}),
          expose,
          ...(started && publish
            ? {
                started: {
                  line: started.command.line,
                  port: publish.container,
                  ...(publish.host ? { host: publish.host } : {}),
                },
              }
            : {}),
        })
      }
    }
  }
}

/** A Dockerfile's EXPOSE beside the port its own command serves on; once per pair a document states. */
function dockerfiles(x: Extraction, emit: Emit): void {
  const seen = new Set<string>()
  // The application files a command runs, as the document leaves them (made once, when needed).
  let files: ReturnType<typeof filesAt> | undefined
  for (const version of x.doc.files) {
    if (!isDockerfile(version) || version.alternativeTo !== undefined) continue
    const runtime = runtimeOf(version.content)
    if (runtime.expose.length === 0 || !runtime.command) continue
    files ??= filesAt(x.doc.files, Number.MAX_SAFE_INTEGER)
    const listens = listenOf(runtime, files)
    if (!listens || listens.how === 'image') continue
    const expose = runtime.expose.map((e) => e.port)
    const key = `${expose.join(' ')} ${listens.port} ${listens.why}`
    if (seen.has(key)) continue
    seen.add(key)
    emit({
      line: (version.contentLine ?? version.line + 1) + (runtime.expose[0]?.line ?? 1) - 1,
      title: `${version.name} EXPOSEs ${expose.join(' ')}, where its command serves`,
      quote: `${version.name} EXPOSE ${expose.join(' ')} / ${runtime.command.text}`,
      dockerfile: version.name,
      role: 'expose',
      port: listens.port,
      listens,
      expose,
    })
  }
}
