import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { headline, renderMarkdown } from './markdown.js'
import { DriftReport } from './report.js'

const fixture = DriftReport.parse(JSON.parse(readFileSync('fixtures/drift/report.json', 'utf8')))

function variant(edit: (r: DriftReport) => void): DriftReport {
  const copy = structuredClone(fixture)
  edit(copy)
  return DriftReport.parse(copy)
}

describe('headline', () => {
  it.each([
    [(_r: DriftReport) => {}, '11 claims no longer hold, 1 base image moved'],
    [
      (r: DriftReport) => {
        r.lessons = []
        r.outcome = 'moved'
      },
      '1 base image moved, every claim still holds',
    ],
    [
      (r: DriftReport) => {
        r.lessons = []
        r.images = r.images.filter((i) => i.status === 'unchanged')
        r.outcome = 'unchanged'
      },
      'Nothing moved: every base image is where the baseline found it',
    ],
    [
      (r: DriftReport) => {
        r.lessons = []
        r.images = [
          {
            reference: 'python:3.12',
            status: 'unresolved',
            code: 'registry-unreachable',
            message: 'x',
            usedBy: [],
          },
        ]
        r.outcome = 'error'
      },
      '1 image could not be resolved',
    ],
  ])('says what happened first (%#)', (edit, expected) => {
    expect(headline(variant(edit))).toBe(expected)
  })
})

describe('renderMarkdown', () => {
  it('writes the moved image, each iteration and each changed claim at its line', () => {
    const md = renderMarkdown(fixture)
    expect(md).toContain('## lessonproof drift: 11 claims no longer hold, 1 base image moved')
    expect(md).toContain(
      '| `127.0.0.1:5000/lab/base:stable` | linux/amd64 | `d6c34963ad7e` → `464f7a9bc9e2` | 74.8MB → 115MB (+53.5%) |',
    )
    expect(md).toContain('| `hello:naive` | 184MB | 184MB | 224MB | +21.8% | +40MB | 0B |')
    expect(md).toContain(
      '- `fixtures/drift/lab-base/lesson.md:156` pass → **fail**: naive → slim reduction is 59% (prose) — expected 59%, measured 48.7%\n  > **Progress: 59% reduction.** The image is now the base image plus the 854-byte script.',
    )
    expect(md).toContain('Unchanged: `127.0.0.1:5000/lab/base:2026-11` (`d6c34963ad7e`).')
    expect(md).toContain(
      '```diff\ndiff --git a/fixtures/drift/lab-base/lesson.md b/fixtures/drift/lab-base/lesson.md\n',
    )
  })

  it('keeps table cells and quotes whole when lesson text has pipes, backticks and HTML', () => {
    const md = renderMarkdown(
      variant((r) => {
        const claim = r.lessons[0]?.claims[0]
        if (claim) claim.text = 'run `docker images | head` <b>now</b>\nand more'
      }),
    )
    expect(md).toContain('  > run `docker images \\| head` &lt;b>now&lt;/b> and more')
  })

  it('cuts a long patch at a line and says so', () => {
    const long = variant((r) => {
      r.patch = `${'-a line of the old lesson\n+a line of the new lesson\n'.repeat(200)}`
    })
    const md = renderMarkdown(long, { maxPatchChars: 1000 })
    expect(md).toContain('The patch is cut after 1000 characters here')
    const body = md.slice(md.indexOf('```diff'), md.lastIndexOf('```'))
    expect(body.length).toBeLessThan(1100)
    expect(body.trimEnd().endsWith('lesson')).toBe(true)
  })

  it('says which images were not checked, and why', () => {
    const md = renderMarkdown(
      variant((r) => {
        r.images.push(
          {
            reference: 'python:3.12-slim',
            status: 'unresolved',
            code: 'registry-unreachable',
            message: 'registry unreachable at https://registry-1.docker.io: ENOTFOUND',
            usedBy: [],
          },
          {
            reference: 'debian:bookworm@sha256:…',
            status: 'pinned',
            digest: `sha256:${'e'.repeat(64)}`,
            tagDigest: `sha256:${'f'.repeat(64)}`,
            usedBy: [],
          },
        )
      }),
    )
    expect(md).toContain(
      '- `python:3.12-slim`: could not be resolved: registry unreachable at https://registry-1.docker.io: ENOTFOUND',
    )
    expect(md).toContain(`pinned to \`${'e'.repeat(12)}\`; its tag now points at \`${'f'.repeat(12)}\``)
  })
})
