/** What the document's application code declares: its routes, and what /health returns. */
import type { FileVersion } from '../../model/index.js'
import { documentLine, type Reading } from '../kit/index.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** A route an app file declares (`@app.get("/tasks")`). */
export interface AppRoute {
  file: FileVersion
  /** Document line of the decorator. */
  line: number
  method: Method
  path: string
  /** For GET /health: the document line of its `return {…}` and the body it returns. */
  returns?: { line: number; body: unknown }
}

export const appRoutes: Reading<AppRoute[]> = (x) =>
  x.doc.files.filter((f) => f.name.endsWith('.py')).flatMap((file) => routesOf(file))

function routesOf(file: FileVersion): AppRoute[] {
  const lines = file.content.split('\n')
  return lines.flatMap((line, i): AppRoute[] => {
    const decorator = /@\w+\.(get|post|put|patch|delete)\(\s*["']([^"']+)["']/.exec(line)
    const path = decorator?.[2]
    const method = decorator?.[1]?.toUpperCase() as Method | undefined
    if (!path || !method) return []
    const route: AppRoute = { file, line: documentLine(file, i + 1), method, path }
    const ret = lines.slice(i + 1, i + 12).findIndex((l) => /^\s+return\s+\{/.test(l))
    if (ret !== -1) {
      const body = pythonLiteral(lines[i + 1 + ret]?.replace(/^\s+return\s+/, '') ?? '')
      if (body !== undefined) route.returns = { line: documentLine(file, i + 2 + ret), body }
    }
    return [route]
  })
}

/**
 * A Python literal of plain values (dicts, lists, tuples, strings in either quote, numbers,
 * True/False/None) as JSON data, or undefined when the text is anything else.
 */
export function pythonLiteral(text: string): unknown {
  let at = 0
  const src = text.trim()
  const fail = Symbol('not a literal')
  const space = () => {
    while (at < src.length && /\s/.test(src[at] ?? '')) at++
  }
  const value = (): unknown => {
    space()
    const c = src[at]
    if (c === '{') return container('}', true)
    if (c === '[' || c === '(') return container(c === '[' ? ']' : ')', false)
    if (c === '"' || c === "'") return string(c)
    const word = /^(True|False|None|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(src.slice(at))?.[1]
    if (!word) throw fail
    at += word.length
    return word === 'True' ? true : word === 'False' ? false : word === 'None' ? null : Number(word)
  }
  const string = (quote: string): string => {
    let out = ''
    at++
    while (at < src.length && src[at] !== quote) {
      if (src[at] === '\\') {
        const next = src[at + 1] ?? ''
        out += { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' }[next] ?? `\\${next}`
        at += 2
      } else out += src[at++]
    }
    if (src[at] !== quote) throw fail
    at++
    return out
  }
  const container = (close: string, isDict: boolean): unknown => {
    at++
    const list: unknown[] = []
    const dict: Record<string, unknown> = {}
    for (;;) {
      space()
      if (src[at] === close) break
      const first = value()
      if (isDict) {
        space()
        if (src[at] !== ':' || typeof first !== 'string') throw fail
        at++
        dict[first] = value()
      } else list.push(first)
      space()
      if (src[at] === ',') at++
      else if (src[at] !== close) throw fail
    }
    at++
    return isDict ? dict : list
  }
  try {
    const result = value()
    space()
    return at === src.length ? result : undefined
  } catch (error) {
    if (error === fail) return undefined
    throw error
  }
}
