/** Exercises the routes a lesson's app defines: create, list, get, complete… in that order. */
import type { RouteFacts } from '../model/index.js'

export interface Route {
  method: string
  path: string
}

const TYPE_VALUES: Record<string, unknown> = { str: 'lessonproof', int: 1, float: 1.0, bool: true }

/** A JSON body for a handler's pydantic model: every required field filled by its type. */
export function requestBody(app: string, route: Route): Record<string, unknown> | undefined {
  const lines = app.split('\n')
  const at = lines.findIndex((l) =>
    new RegExp(`\\.${route.method.toLowerCase()}\\(\\s*["']${escapeRegExp(route.path)}["']`).test(l),
  )
  const def = lines.slice(at + 1).find((l) => /^\s*(?:async\s+)?def\s/.test(l)) ?? ''
  const model = /\(\s*\w+\s*:\s*(\w+)/.exec(def)?.[1]
  if (!model || ['str', 'int', 'float', 'bool'].includes(model)) return undefined
  const start = lines.findIndex((l) => new RegExp(`^class\\s+${model}\\b`).test(l))
  if (start === -1) return undefined
  const body: Record<string, unknown> = {}
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break
    const field = /^\s+(\w+)\s*:\s*([\w[\]| ]+?)\s*(=.*)?$/.exec(line)
    if (!field || field[3]) continue
    const type = (field[2] ?? '').split('|')[0]?.trim() ?? 'str'
    body[field[1] ?? ''] = TYPE_VALUES[type] ?? 'lessonproof'
  }
  return body
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const ORDER: Record<string, number> = { POST: 0, PUT: 2, PATCH: 2, GET: 1, DELETE: 3 }

/** Calls each route once against a running app; a path parameter gets the id the first create returned. */
export async function exercise(
  baseUrl: string,
  app: string,
  routes: Route[],
  timeoutMs = 5_000,
): Promise<RouteFacts[]> {
  const withParam = (r: Route) => /\{[^}]+\}/.test(r.path)
  const sorted = [...routes].sort(
    (a, b) => Number(withParam(a)) - Number(withParam(b)) || (ORDER[a.method] ?? 9) - (ORDER[b.method] ?? 9),
  )
  let id = '1'
  const results: RouteFacts[] = []
  for (const route of sorted) {
    const url = route.path.replace(/\{[^}]+\}/g, encodeURIComponent(id))
    const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? requestBody(app, route) : undefined
    try {
      const response = await fetch(`${baseUrl}${url}`, {
        method: route.method,
        signal: AbortSignal.timeout(timeoutMs),
        ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      })
      const text = await response.text()
      if (route.method === 'POST' && !withParam(route) && response.ok) {
        try {
          const created = JSON.parse(text) as { id?: unknown }
          if (created && typeof created === 'object' && created.id !== undefined) id = String(created.id)
        } catch {
          // Not JSON: parameters keep their default.
        }
      }
      results.push({ method: route.method, path: route.path, url, status: response.status, ok: response.ok })
    } catch {
      results.push({ method: route.method, path: route.path, url, status: 0, ok: false })
    }
  }
  return results
}
