/** A route the lesson's app defines, other than /health: it must answer when exercised. */
import { z } from 'zod'
import type { Check } from '../model/index.js'
import { runsOf } from './health.js'
import { about, blocked, defineKind, fail, MEASURED, pass } from './kit/index.js'
import { appRoutes } from './readings/code.js'

export const route = defineKind({
  id: 'route',
  fields: {
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    path: z.string(),
    /** The app file that defines it. */
    file: z.string(),
    /** Line of that file's version in the document. */
    fileLine: z.number().int().positive(),
  },

  extract(x, emit) {
    for (const r of x.read(appRoutes)) {
      if (r.path === '/health') continue
      emit({
        line: r.line,
        title: `${r.method} ${r.path} answers (${r.file.name})`,
        subject: `${r.file.name} ${r.method} ${r.path}`,
        method: r.method,
        path: r.path,
        file: r.file.name,
        fileLine: r.file.line,
      })
    }
  },

  // Only a running app can answer.
  check: () => [],

  measured: {
    needs: (claim, iterations) =>
      iterations.all.flatMap((it) => {
        const app = it.files[claim.file]
        return app?.line === claim.fileLine
          ? [
              {
                kind: 'route' as const,
                iteration: it,
                method: claim.method,
                path: claim.path,
                app: app.content,
              },
            ]
          : []
      }),
    judge(claim, ctx) {
      const checks: Check[] = []
      for (const it of runsOf(ctx, claim.file, claim.fileLine)) {
        const r = ctx.measuredImage(it)
        if (Array.isArray(r)) {
          checks.push(...about(it.tag, r))
          continue
        }
        const hit = r.routes?.find((e) => e.method === claim.method && e.path === claim.path)
        if (!hit) {
          checks.push(fail(MEASURED, r.reason ?? `${it.tag}: ${claim.method} ${claim.path} was not reached`))
          continue
        }
        const call = `${it.tag}: ${claim.method} ${hit.url} → ${hit.status || 'no answer'}`
        checks.push(hit.ok ? pass(MEASURED, call) : fail(MEASURED, call, { measured: String(hit.status) }))
      }
      return checks.length > 0 ? checks : [blocked(MEASURED, 'no iteration of the lesson runs this app')]
    },
  },
})
