import { finalStage, type Stage, stageNamed } from '../dockerfile/index.js'
import type { Check, ClaimOf } from '../model/index.js'
import type { CheckContext } from './context.js'

/** Every statement of /health's body in a document agrees. */
export function healthChecks(claim: ClaimOf<'health'>, ctx: CheckContext): Check[] {
  const others = ctx.claims.filter(
    (c): c is ClaimOf<'health'> => c.kind === 'health' && c !== claim && c.path === claim.path,
  )
  if (others.length === 0) return []
  const name = 'agrees with the other statements of the body'
  const differ = others.filter((o) => JSON.stringify(o.body) !== JSON.stringify(claim.body))
  return [
    differ.length === 0
      ? { name, status: 'pass', reason: `same body at lines ${others.map((o) => o.source.line).join(', ')}` }
      : {
          name,
          status: 'fail',
          reason: `line ${differ[0]?.source.line} shows ${JSON.stringify(differ[0]?.body)}`,
        },
  ]
}

/** The final stage must set the variable with ENV: a RUN that writes /etc/environment sets nothing. */
export function envChecks(claim: ClaimOf<'env'>, ctx: CheckContext): Check[] {
  const found = ctx.dockerfileOf(ctx.iterationOf(claim))
  if (!found) return []
  const name = "the Dockerfile's final stage sets it with ENV"
  const env = finalStage(found.model)
    ?.steps.flatMap((s) => s.env ?? [])
    .find((e) => e.name === claim.name)
  if (env) return [{ name, status: 'pass', reason: `ENV ${env.name}=${env.value} in ${found.file.name}` }]
  return [
    {
      name,
      status: 'fail',
      reason: `${found.file.name} never sets ${claim.name} with ENV; \`RUN echo … >> /etc/environment\` writes a file that neither docker run nor uvicorn reads, so the container's environment has no ${claim.name}`,
      expected: `${claim.name}=${claim.value}`,
      measured: 'not set',
    },
  ]
}

/** What an item the lesson says is gone would be, as something lessonproof can look for. */
export function contentsTarget(item: string): { kind: 'binary' | 'path'; name: string } | undefined {
  const i = item.toLowerCase()
  if (/^uv$/.test(i)) return { kind: 'binary', name: 'uv' }
  if (/^pip$/.test(i)) return { kind: 'binary', name: 'pip' }
  if (/pip cache/.test(i)) return { kind: 'path', name: '/root/.cache/pip' }
  if (/build tools|compilers?|gcc/.test(i)) return { kind: 'binary', name: 'gcc' }
  if (/^(a )?shell$/.test(i)) return { kind: 'binary', name: 'sh' }
  return undefined
}

/** Official python:* images ship pip; the full ones (not -slim, not -alpine) ship gcc too. */
function baseShips(image: string, binary: string): boolean {
  const python = /^(docker\.io\/)?(library\/)?python:/.test(image)
  if (!python) return false
  if (binary === 'pip') return true
  if (binary === 'gcc') return !/slim|alpine/.test(image)
  if (binary === 'sh') return true
  return false
}

function installs(stage: Stage, binary: string): number | undefined {
  const re = new RegExp(
    String.raw`\b(?:pip|uv pip|pip3)\s+install\b[^&;|]*\s${binary}\b|\b(?:apt-get|apt|apk)\s+(?:install|add)\b[^&;|]*\s${binary === 'gcc' ? '(?:gcc|build-base|build-essential)' : binary}\b`,
  )
  return stage.steps.find((s) => s.keyword === 'RUN' && re.test(s.args))?.line
}

/**
 * Static evidence that something the lesson says is gone is in the image: its base ships it,
 * its final stage installs it, or it copies the directory another stage installed it into.
 * Absence itself needs the built image.
 */
export function contentsChecks(claim: ClaimOf<'contents'>, ctx: CheckContext): Check[] {
  const found = ctx.dockerfileOf(ctx.iterationOf(claim))
  const target = contentsTarget(claim.item)
  const name = 'the Dockerfile does not put it there'
  if (!target)
    return [
      { name, status: 'blocked', reason: `"${claim.item}" is not a file or tool lessonproof can look for` },
    ]
  if (!found) return []
  const final = finalStage(found.model)
  if (!final) return []
  const file = found.file.name
  if (target.kind === 'binary' && baseShips(final.image, target.name)) {
    return [
      {
        name,
        status: 'fail',
        reason: `the final stage starts FROM ${final.image}, which ships ${target.name}`,
        expected: `no ${target.name}`,
        measured: `${target.name} from ${final.image}`,
      },
    ]
  }
  if (target.kind === 'binary') {
    const own = installs(final, target.name)
    if (own)
      return [
        {
          name,
          status: 'fail',
          reason: `line ${found.file.line + own} installs ${target.name} in the final stage of ${file}`,
          expected: `no ${target.name}`,
          measured: 'installed',
        },
      ]
    for (const step of final.steps.filter((s) => s.keyword === 'COPY' && s.from)) {
      const source = stageNamed(found.model, step.from ?? '', final.index)
      const at = source ? installs(source, target.name) : undefined
      const src = step.args.split(/\s+/).filter((a) => !a.startsWith('--'))[0] ?? ''
      // pip in python:* images puts console scripts in /usr/local/bin.
      if (source && at && ['/usr/local/bin', '/usr/local', '/'].includes(src.replace(/\/$/, '') || '/')) {
        return [
          {
            name,
            status: 'fail',
            reason: `${file} copies ${src} from the ${source.name ?? `stage ${source.index}`} stage at line ${found.file.line + step.line}, and line ${found.file.line + at} installed ${target.name} there (its executable lands in /usr/local/bin)`,
            expected: `no ${target.name}`,
            measured: `/usr/local/bin/${target.name} copied from ${source.name ?? source.index}`,
          },
        ]
      }
    }
  }
  if (target.kind === 'path' && target.name === '/root/.cache/pip') {
    const cached = final.steps.find(
      (s) =>
        s.keyword === 'RUN' &&
        /\bpip3?\s+install\b/.test(s.args) &&
        !/--no-cache-dir|pip cache purge/.test(s.args),
    )
    if (cached)
      return [
        {
          name,
          status: 'fail',
          reason: `line ${found.file.line + cached.line} runs pip install without --no-cache-dir in the final stage of ${file}`,
        },
      ]
  }
  return [
    {
      name,
      status: 'pass',
      reason: `${file} neither starts from an image that ships ${target.name} nor installs or copies it`,
    },
  ]
}
