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
    [(_r: DriftReport) => {}, '3 claims no longer hold, 1 base image moved'],
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
        r.images = []
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
    expect(md).toContain('## lessonproof drift: 3 claims no longer hold, 1 base image moved')
    expect(md).toContain(
      '| `127.0.0.1:5000/lab/base:stable` | linux/amd64 | `dd4f374f652a` → `5132b414df7f` | 74.8MB → 115MB (+53.5%) |',
    )
    expect(md).toContain('| `hello:python` | 99.2MB | 99.2MB | 139MB | +40.3% | +40MB | 0B |')
    expect(md).toContain(
      '- `fixtures/lessons/lab-base/lesson.md:78` pass → **fail**: hello:slim is 96.1MB (prose) — expected 96.1MB, measured 136MB\n  > The slim image comes to 96.1MB.',
    )
    expect(md).toContain('```diff\n--- a/fixtures/lessons/lab-base/lesson.md\n')
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
