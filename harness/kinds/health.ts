/** The body /health answers with, from the app's code or a `curl …/health` output. */
import { z } from 'zod'
import type { Check, Iteration } from '../model/index.js'
import { segments } from '../parse/index.js'
import {
  about,
  blocked,
  type CheckContext,
  defineKind,
  fail,
  type Iterations,
  MEASURED,
  pass,
} from './kit/index.js'
import { appRoutes } from './readings/code.js'

/** Iterations whose build copies the app version a route or body was read from. */
export function runsOf(
  ctx: CheckContext,
  file: string | undefined,
  fileLine: number | undefined,
): Iteration[] {
  if (fileLine === undefined) return ctx.iterations.all
  return ctx.iterations.all.filter((it) =>
    Object.values(it.files).some((f) => f.line === fileLine && (!file || f.name === file)),
  )
}

/** The iterations whose app a /health claim speaks of: the one the lesson ran, or those that copy the app's version. */
function answering(
  claim: { fileLine?: number | undefined; ran?: string | undefined; source: { line: number } },
  iterations: Iterations,
): Iteration[] {
  const ran = claim.ran ? iterations.byTag(claim.ran, claim.source.line) : undefined
  if (ran) return [ran]
  if (claim.fileLine === undefined) return iterations.all
  return iterations.all.filter((it) => Object.values(it.files).some((f) => f.line === claim.fileLine))
}

export const health = defineKind({
  id: 'health',
  fields: {
    path: z.string(),
    /** The JSON body the app returns. */
    body: z.unknown(),
    /** For a body read from code: the app file's version line (the iterations that copy it answer so). */
    fileLine: z.number().int().positive().optional(),
    /** For a `curl` output: the image the lesson's last `docker run` before it starts. */
    ran: z.string().optional(),
  },

  extract(x, emit) {
    for (const route of x.read(appRoutes)) {
      if (route.path !== '/health' || route.method !== 'GET' || !route.returns) continue
      emit({
        line: route.returns.line,
        title: `GET /health answers ${JSON.stringify(route.returns.body)} (${route.file.name})`,
        subject: `${route.file.name} /health`,
        path: '/health',
        body: route.returns.body,
        fileLine: route.file.line,
      })
    }
    for (const output of x.doc.outputs) {
      const argv = output.command ? segments(output.command)[0] : undefined
      const url = argv?.[0] === 'curl' ? argv.find((a) => /^https?:\/\//.test(a)) : undefined
      const path = url ? new URL(url).pathname : undefined
      if (path !== '/health') continue
      let body: unknown
      try {
        body = JSON.parse(output.text)
      } catch {
        continue // Not JSON: nothing to compare.
      }
      const run = x.doc.commands
        .filter((c) => c.line <= output.line && c.argv[0] === 'docker' && c.argv[1] === 'run')
        .at(-1)
      const ran = run?.argv.find((a) => x.iterations.byTag(a) !== undefined)
      emit({
        line: output.line + 1,
        title: `GET /health answers ${JSON.stringify(body)} (curl output)`,
        quote: output.text,
        subject: 'curl /health',
        path,
        body,
        ...(ran ? { ran } : {}),
      })
    }
  },

  /** Every statement of /health's body in a document agrees. */
  check(claim, ctx) {
    const others = ctx.claims.filter((c) => c.kind === claim.kind && c !== claim && c.path === claim.path)
    if (others.length === 0) return []
    const name = 'agrees with the other statements of the body'
    const differ = others.filter((o) => JSON.stringify(o.body) !== JSON.stringify(claim.body))
    return [
      differ.length === 0
        ? pass(name, `same body at lines ${others.map((o) => o.source.line).join(', ')}`)
        : fail(name, `line ${differ[0]?.source.line} shows ${JSON.stringify(differ[0]?.body)}`),
    ]
  },

  measured: {
    needs: (claim, iterations) =>
      answering(claim, iterations).map((iteration) => ({ kind: 'run' as const, iteration })),
    judge(claim, ctx) {
      const want = JSON.stringify(claim.body)
      const checks: Check[] = []
      for (const it of answering(claim, ctx.iterations)) {
        const r = ctx.measuredImage(it)
        if (Array.isArray(r)) {
          checks.push(...about(it.tag, r))
          continue
        }
        if (!r.health) {
          checks.push(fail(MEASURED, r.reason ?? `${it.tag} never answered ${claim.path}`))
          continue
        }
        const got = JSON.stringify(r.health.body)
        checks.push(
          got === want
            ? pass(MEASURED, `${it.tag} answers ${got}`)
            : fail(MEASURED, `${it.tag} answers ${got}, not ${want}`, { expected: want, measured: got }),
        )
      }
      return checks.length > 0 ? checks : [blocked(MEASURED, 'no iteration of the lesson runs this app')]
    },
  },
})
