import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { annotations, appendSummary, escapeData, escapeProperty, summaryMarkdown } from './github.js'
import { sampleReport } from './testing.js'

describe('workflow command escaping', () => {
  it('escapes %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeData('62%, not 50%\r\nnext: line')).toBe('62%25, not 50%25%0D%0Anext: line')
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A')
  })
})

describe('annotations', () => {
  it('puts an error on the line of each failing claim, unreadable document and stale ledger entry', () => {
    expect(annotations(sampleReport())).toEqual([
      '::error file=lessons/a.md,line=12,title=lessonproof%3A naive → slim is 50%25::1.21GB → 458MB is 62.15%25, not 50%25%0A<none> | a: b',
      '::error file=lessons/b.md,line=7,title=lessonproof%3A unreadable document::lessons/b.md:7: code fence ``` opened at line 7 never closes%0A  expected: a closing fence',
      '::error file=lessons/a.md,line=20,title=lessonproof%3A stale ledger entry::stale ledger entry "base-image-size python:3.12-alpine «~50MB»": no failing claim has this id any more (ledger reason: was 40MB before the fix)',
    ])
  })

  it('warns of blocked claims only when asked', () => {
    const warnings = annotations(sampleReport(), { blocked: true }).filter((l) => l.startsWith('::warning'))
    expect(warnings).toEqual([
      '::warning file=lessons/a.md,line=16,title=lessonproof blocked%3A app%3Aslim is 458MB::needs a build of app:slim; this run is static (--static)',
    ])
  })
})

describe('summaryMarkdown', () => {
  it('has a row per document and the failures at their file:line, linked when the repository is known', () => {
    const md = summaryMarkdown(sampleReport(), { blobUrl: 'https://github.example/o/r/blob/abc123' })
    expect(md).toBe(
      [
        '## lessonproof (static)',
        '',
        '❌ **1 passed, 1 failed, 1 ledgered, 1 blocked, 1 unreadable, 1 stale ledger entries**',
        '',
        '| document | pass | fail | ledgered | blocked |',
        '| --- | ---: | ---: | ---: | ---: |',
        '| <code>lessons/a.md</code> | 1 | 1 | 1 | 1 |',
        '| <code>lessons/b.md</code> | unreadable | | | |',
        '',
        '### Failing',
        '',
        '| where | claim | reason |',
        '| --- | --- | --- |',
        '| [lessons/a.md:12](https://github.example/o/r/blob/abc123/lessons/a.md#L12) | naive → slim is 50% | 1.21GB → 458MB is 62.15%, not 50%<br>&lt;none&gt; \\| a: b |',
        '| [lessons/b.md:7](https://github.example/o/r/blob/abc123/lessons/b.md#L7) | unreadable document | lessons/b.md:7: code fence \\`\\`\\` opened at line 7 never closes<br>  expected: a closing fence |',
        '| [lessons/a.md:20](https://github.example/o/r/blob/abc123/lessons/a.md#L20) | stale ledger entry | no failing claim has the id "base-image-size python:3.12-alpine «\\~50MB»" any more (ledger reason: was 40MB before the fix) |',
        '',
      ].join('\n'),
    )
  })

  it('names places as code without a repository, and says how many failures it left out', () => {
    const md = summaryMarkdown(sampleReport(), { maxRows: 1 })
    expect(md).toContain('| <code>lessons/a.md:12</code> | naive → slim is 50% |')
    expect(md).not.toContain('lessons/b.md:7</code>')
    expect(md).toContain('…and 2 more: see the JSON or JUnit report.')
  })

  it('shows reasons as written, never as Markdown or HTML', async () => {
    const report = sampleReport()
    const claim = report.documents[0]?.claims[1]
    if (claim) claim.reason = 'RUN echo "K=V" >> /etc/environment writes `a_file` *here*'
    const md = summaryMarkdown(report)
    const { default: MarkdownIt } = await import('markdown-it')
    const html = new MarkdownIt({ html: true }).render(md)
    const text = html
      .replace(/<[^>]+>/g, '')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
    expect(text).toContain('RUN echo "K=V" >> /etc/environment writes `a_file` *here*')
  })

  it('says so when no document was verified', () => {
    const empty = { ...sampleReport(), documents: [], staleLedger: [], exitCode: 0 as const }
    expect(summaryMarkdown(empty)).toContain('No lesson document was verified in this run.')
  })

  it('is appended to the job summary file, after what other steps wrote', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lessonproof-summary-'))
    try {
      const file = join(dir, 'step_summary')
      await writeFile(file, '# earlier step\n')
      await appendSummary(file, summaryMarkdown(sampleReport()))
      const text = await readFile(file, 'utf8')
      expect(text.startsWith('# earlier step\n## lessonproof (static)\n')).toBe(true)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
