import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  BASELINE_VERSION,
  type Baseline,
  formatBaseline,
  parseBaseline,
  readBaseline,
  sortKeys,
  writeBaseline,
} from './baseline.js'
import { BaselineInvalidError, BaselineMissingError, BaselineVersionError } from './errors.js'

const DIGEST = `sha256:${'a'.repeat(64)}`

function sample(): Baseline {
  return {
    version: 1,
    tool: 'lessonproof',
    environment: {
      engine: '20.10.24+dfsg1',
      builder: { name: 'classic' },
      storageDriver: 'overlay2',
      os: 'linux',
      arch: 'amd64',
      date: '2026-11-26T14:00:00.000Z',
      lessonproof: '0.1.0',
    },
    documents: [
      {
        path: 'lessons/b.md',
        iterations: [],
        claims: [{ id: 'reduction naive → slim «62% reduction»', line: 40, verdict: 'pass' }],
      },
      {
        path: 'lessons/a.md',
        iterations: [
          {
            index: 0,
            line: 20,
            tag: 'app:slim',
            dockerfile: 'Dockerfile',
            status: 'measured',
            baseImages: [
              {
                reference: 'debian:bookworm-slim',
                digest: DIGEST,
                id: `sha256:${'b'.repeat(64)}`,
                platform: { os: 'linux', architecture: 'amd64' },
                size: 74822234,
                layers: 1,
              },
            ],
            size: 125290539,
            layers: [
              { createdBy: '/bin/sh -c apt-get install -y python3', size: 50468305 },
              { createdBy: '/bin/sh -c #(nop) ADD file:…', size: 74822234 },
            ],
            health: { status: 'ok', httpStatus: 200, body: '{"status":"ok"}' },
            claims: [
              { id: 'image-size app:slim «app:slim 125MB»', line: 30, verdict: 'fail' },
              { id: 'image-size app:slim «(~125MB)»', line: 12, verdict: 'pass' },
            ],
          },
        ],
        claims: [],
      },
    ],
  }
}

describe('formatBaseline', () => {
  it('writes sorted keys, documents by path and claims by line, so diffs are reviewable', () => {
    const text = formatBaseline(sample())
    const parsed = JSON.parse(text)
    expect(Object.keys(parsed)).toEqual(['documents', 'environment', 'tool', 'version'])
    expect(Object.keys(parsed.documents[0].iterations[0])).toEqual([
      'baseImages',
      'claims',
      'dockerfile',
      'health',
      'index',
      'layers',
      'line',
      'size',
      'status',
      'tag',
    ])
    expect(parsed.documents.map((d: { path: string }) => d.path)).toEqual(['lessons/a.md', 'lessons/b.md'])
    expect(parsed.documents[0].iterations[0].claims.map((c: { line: number }) => c.line)).toEqual([12, 30])
    expect(text.endsWith('}\n')).toBe(true)
    expect(text).toContain('\n  "documents": [\n')
  })

  it('writes the same text whatever order it was given in', () => {
    const shuffled = sample()
    shuffled.documents.reverse()
    const reordered = JSON.parse(JSON.stringify(shuffled), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    )
    expect(formatBaseline(reordered)).toBe(formatBaseline(sample()))
  })

  it('reads back what it writes', () => {
    const text = formatBaseline(sample())
    expect(formatBaseline(parseBaseline(text, 'b.json'))).toBe(text)
  })

  it('refuses to write a baseline that does not match the schema', () => {
    const bad = sample() as unknown as { documents: { iterations: { size: unknown }[] }[] }
    ;(bad.documents[1]?.iterations[0] as { size: unknown }).size = -1
    expect(() => formatBaseline(bad as unknown as Baseline)).toThrow()
  })
})

describe('parseBaseline', () => {
  const read = (data: unknown) => () => parseBaseline(JSON.stringify(data), 'lessonproof-baseline.json')

  it('refuses an older version with a typed error, before reading its shape', () => {
    const error = (() => {
      try {
        read({ version: 0, documents: 'anything' })()
      } catch (e) {
        return e as BaselineVersionError
      }
    })()
    expect(error).toBeInstanceOf(BaselineVersionError)
    expect(error?.code).toBe('baseline-version')
    expect(error?.found).toBe(0)
    expect(error?.message).toMatchInlineSnapshot(`
      "lessonproof-baseline.json: written by an older lessonproof (baseline version 0)
        expected: baseline version 1
        write it again with this lessonproof; the file was left as it is"
    `)
  })

  it('refuses a newer version and a file with no version', () => {
    expect(read({ ...sample(), version: BASELINE_VERSION + 1 })).toThrow(
      /written by a newer lessonproof \(baseline version 2\)/,
    )
    const { version: _v, ...unversioned } = sample()
    expect(read(unversioned)).toThrow(BaselineVersionError)
    expect(read(unversioned)).toThrow(/has no baseline version/)
  })

  it('says where a current-version file departs from the schema', () => {
    const bad = JSON.parse(JSON.stringify(sample()))
    bad.documents[1].iterations[0].size = '125MB'
    bad.documents[1].iterations[0].health.status = 'fine'
    expect(read(bad)).toThrow(BaselineInvalidError)
    expect(read(bad)).toThrow(
      /documents\[1\]\.iterations\[0\]\.size: .*expected number.*; documents\[1\]\.iterations\[0\]\.health\.status: /,
    )
  })

  it('refuses text that is not a JSON object', () => {
    expect(() => parseBaseline('{"version": 1,', 'x.json')).toThrow(/x\.json: not a valid baseline: not JSON/)
    expect(() => parseBaseline('[]', 'x.json')).toThrow(/expected a JSON object, found an array/)
  })
})

describe('files', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lessonproof-baseline-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes atomically and reads back', async () => {
    const file = join(dir, 'lessonproof-baseline.json')
    await writeBaseline(file, sample())
    expect(await readdir(dir)).toEqual(['lessonproof-baseline.json'])
    expect(formatBaseline(await readBaseline(file))).toBe(await readFile(file, 'utf8'))
  })

  it('says the baseline is missing, and leaves an old one untouched when the new one is invalid', async () => {
    const file = join(dir, 'lessonproof-baseline.json')
    await expect(readBaseline(file)).rejects.toBeInstanceOf(BaselineMissingError)
    await writeFile(file, '{"version":0}\n')
    await expect(readBaseline(file)).rejects.toBeInstanceOf(BaselineVersionError)
    const bad = { ...sample(), tool: 'other' } as unknown as Baseline
    await expect(writeBaseline(file, bad)).rejects.toThrow()
    expect(await readFile(file, 'utf8')).toBe('{"version":0}\n')
    expect(await readdir(dir)).toEqual(['lessonproof-baseline.json'])
  })
})

describe('sortKeys', () => {
  it('sorts nested keys, keeps arrays in order and drops undefined', () => {
    expect(JSON.stringify(sortKeys({ b: 1, a: [{ d: 1, c: undefined, b: 2 }], A: null }))).toBe(
      '{"A":null,"a":[{"b":2,"d":1}],"b":1}',
    )
  })
})
