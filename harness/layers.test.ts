/**
 * The data flows one way. Each folder of harness/ is a stage (or what stages share), in order; a
 * module may import only from its own folder and from folders before it. Adding an import that
 * runs backwards (measure → checks, report → verify) fails here, and so does an import cycle.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/** The folders of harness/, earliest first. Root files (errors.ts, memo.ts) come before all. */
const LAYERS = [
  'settings',
  'model',
  'compare',
  'patch',
  'dockerfile',
  'buildlog',
  'parse',
  'ledger',
  'kinds',
  'claims',
  'plan',
  'engine',
  'walk',
  'measure',
  'checks',
  'report',
  'verify',
  'select',
  'drift',
  'cli',
  'public',
]

const ROOT = resolve('harness')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : sources(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : []
  })
}

/** The layer of a file: its top folder under harness/, or '' for a root file. */
function layerOf(file: string): string {
  const rel = relative(ROOT, file).split('/')
  return rel.length > 1 ? (rel[0] ?? '') : ''
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  return info.importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')))
}

const files = sources(ROOT)
const graph = new Map(files.map((f) => [f, importsOf(f)]))

describe('the import graph of harness/', () => {
  it('names every folder in LAYERS', () => {
    const folders = new Set(files.map(layerOf).filter((l) => l !== ''))
    expect([...folders].filter((f) => !LAYERS.includes(f))).toEqual([])
  })

  it('never imports a later stage', () => {
    const backwards: string[] = []
    for (const [file, imports] of graph) {
      const from = LAYERS.indexOf(layerOf(file))
      for (const target of imports) {
        const to = LAYERS.indexOf(layerOf(target))
        if (to > from) backwards.push(`${relative(ROOT, file)} → ${relative(ROOT, target)}`)
      }
    }
    expect(backwards).toEqual([])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const stack: string[] = []
    const visit = (file: string) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push(
          stack
            .slice(stack.indexOf(file))
            .map((f) => relative(ROOT, f))
            .join(' → '),
        )
        return
      }
      state.set(file, 'open')
      stack.push(file)
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next)
      stack.pop()
      state.set(file, 'done')
    }
    for (const file of files) visit(file)
    expect(cycles).toEqual([])
  })
})
