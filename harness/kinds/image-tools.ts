/**
 * A health check runs inside the container, so the tool it calls must be in the image: a
 * HEALTHCHECK (or Compose healthcheck) that runs `curl` in `python:3.12-slim`, which ships neither
 * curl nor wget, never reports healthy. The tools of an image are what its base image ships
 * (readings/official-images.ts, each fact with its source) plus what its RUN steps install; a
 * shell-form check also needs `/bin/sh`, which distroless images lack.
 */
import { z } from 'zod'
import { isDockerfile } from '../dockerfile/index.js'
import { defineKind, type Extraction, fail, pass } from './kit/index.js'
import { composeFiles } from './readings/compose.js'
import { serviceImage } from './readings/containers.js'
import { imageName } from './readings/docker-cli.js'
import { toolsOf } from './readings/official-images.js'
import { lineIn } from './readings/references.js'
import { type Runtime, runtimeOf } from './readings/runtime.js'

/** Tools a check can call whose presence the image tables know. */
const TOOLS = ['curl', 'wget'] as const
type Tool = (typeof TOOLS)[number]

/** The command of a HEALTHCHECK: after its options and `CMD`; exec form or a shell line. */
export function healthcheckCommand(args: string): { argv: string[]; shell: boolean } | undefined {
  const m = /(?:^|\s)CMD\s+([\s\S]*)$/i.exec(args)
  if (!m || /^\s*NONE\b/i.test(args)) return undefined
  const rest = (m[1] ?? '').trim()
  if (rest.startsWith('[')) {
    try {
      const parsed = JSON.parse(rest) as unknown
      if (Array.isArray(parsed)) return { argv: parsed.map(String), shell: false }
    } catch {
      // not JSON: a shell line
    }
  }
  return { argv: ['/bin/sh', '-c', rest], shell: true }
}

/** The tools a check's command line calls (`curl -f … || exit 1` calls curl). */
function toolsCalled(argv: string[]): Tool[] {
  const text = argv[0] === '/bin/sh' || argv[0] === 'sh' ? argv.slice(2).join(' ') : (argv[0] ?? '')
  const words = argv[0] === '/bin/sh' || argv[0] === 'sh' ? text.split(/[\s;&|()]+/) : [text]
  return TOOLS.filter((t) => words.some((w) => w.replace(/^.*\//, '') === t))
}

export const imageTools = defineKind({
  id: 'image-tools',
  fields: {
    /** The image the check runs in: the base image its final stage starts from. */
    base: z.string(),
    tools: z.array(z.string()),
    /** The check is a shell line (`CMD curl … || exit 1`), which needs /bin/sh. */
    shell: z.boolean(),
    /** Packages the Dockerfile's RUN steps install in the final stage's chain. */
    installs: z.array(z.string()),
  },

  extract(x, emit) {
    for (const version of x.doc.files) {
      if (!isDockerfile(version) || version.alternativeTo !== undefined) continue
      const rt = runtimeOf(version.content)
      if (!rt.healthcheck) continue
      const cmd = healthcheckCommand(rt.healthcheck.text)
      if (!cmd) continue
      emitFor(x, emit, {
        line: lineIn(version, rt.healthcheck.line),
        rt,
        argv: cmd.argv,
        shell: cmd.shell,
        about: version.name,
        quote: `${version.name} HEALTHCHECK ${rt.healthcheck.text}`,
        dockerfile: version.name,
      })
    }
    for (const compose of x.read(composeFiles))
      for (const service of compose.services) {
        const hc = service.healthcheck
        const built = hc ? serviceImage(x, service, compose.file.name).built : undefined
        if (!hc || !built) continue
        emitFor(x, emit, {
          line: hc.line,
          rt: built.runtime,
          argv: hc.argv,
          shell: hc.argv[0] === '/bin/sh',
          about: `compose service ${service.name}`,
          quote: `${compose.file.name} ${service.name} healthcheck ${hc.text}`,
          dockerfile: built.dockerfile.name,
        })
      }
  },

  check(claim) {
    const name = imageName(claim.base)
    const known = name ? toolsOf(name) : undefined
    const checks = []
    const installs = new Set(claim.installs)
    if (claim.shell) {
      const has = known?.shell !== false
      checks.push(
        has
          ? pass('the image has a shell', `${claim.base} has /bin/sh`)
          : fail(
              'the image has a shell',
              `a shell-form check runs /bin/sh -c, but ${claim.base} has no shell: ${known?.source}`,
            ),
      )
    }
    for (const tool of claim.tools) {
      const check = `the image has ${tool}`
      if (installs.has(tool)) checks.push(pass(check, `a RUN step installs ${tool}`))
      else if (known?.[tool as Tool]) checks.push(pass(check, `${claim.base} ships ${tool}: ${known.source}`))
      else
        checks.push(
          fail(
            check,
            `the check runs ${tool}, but ${claim.base} does not have it (${known?.source}) and no RUN step installs it`,
            {
              expected: tool,
              measured: 'not in the image',
            },
          ),
        )
    }
    return checks
  },

  measured: false,
})

type Emit = Parameters<(typeof imageTools)['extract']>[1]

function emitFor(
  _x: Extraction,
  emit: Emit,
  o: {
    line: number
    rt: Runtime
    argv: string[]
    shell: boolean
    about: string
    quote: string
    dockerfile: string
  },
): void {
  const name = imageName(o.rt.base)
  const known = name ? toolsOf(name) : undefined
  const tools = toolsCalled(o.argv)
  const installs = [...o.rt.installs]
  // Only what the tables know is held: an image they do not describe is left to a reviewer.
  const decidable = known !== undefined && (tools.length > 0 || (o.shell && !known.shell))
  if (!decidable) return
  emit({
    line: o.line,
    title: `${o.about}'s health check runs ${tools.length ? tools.join(', ') : 'a shell'}, which ${o.rt.base} has`,
    quote: o.quote,
    subject: o.about,
    dockerfile: o.dockerfile,
    base: o.rt.base,
    tools,
    shell: o.shell,
    installs,
  })
}
