import { describe, expect, it } from 'vitest'
import { controlComment, readControls } from './controls.js'
import { parseDocument } from './index.js'

const F = '```'

describe('controlComment', () => {
  it.each([
    ['<!-- lessonproof: skip -->', 'skip'],
    ['<!--lessonproof:timeout=120-->\n', 'timeout=120'],
    ['  <!-- LessonProof: expect-exit=1 background -->  ', 'expect-exit=1 background'],
    ['<!-- lessonproof\n  skip reason="needs a GPU"\n-->', 'skip reason="needs a GPU"'],
  ])('%j holds %j', (html, words) => {
    expect(controlComment(html)).toBe(words)
  })

  it.each([
    '<!-- a note for editors -->',
    '<!-- lessonproofing: skip -->',
    '<details><!-- lessonproof: skip --></details>',
  ])('%j is not a control', (html) => {
    expect(controlComment(html)).toBeUndefined()
  })
})

describe('readControls', () => {
  it('reads every control, in any order', () => {
    expect(readControls('background timeout=90 probe=http://localhost:8000/health expect-exit=3', 7)).toEqual(
      {
        line: 7,
        background: true,
        timeoutS: 90,
        probe: 'http://localhost:8000/health',
        expectExit: 3,
      },
    )
  })

  it.each([
    ['skip', 'the author skips it'],
    ['skip reason="needs a GPU"', 'needs a GPU'],
    ["skip reason='needs a GPU'", 'needs a GPU'],
    ['reason="needs a GPU" skip', 'needs a GPU'],
    ['skip="opens a browser"', 'opens a browser'],
    ['reason=flaky', 'flaky'],
  ])('%s skips, because %j', (words, why) => {
    expect(readControls(words, 1)).toEqual({ line: 1, skip: why })
  })

  it('takes exit=N as expect-exit=N', () => {
    expect(readControls('exit=22', 1)).toEqual({ line: 1, expectExit: 22 })
  })

  it('keeps what it cannot read as problems, with what it expected and what it got', () => {
    expect(
      readControls(
        'expect-exit=x expect-exit=1.5 expect-exit=300 timeout=0 timeout=4000 probe=http://example.com/ probe retry=3',
        4,
      ),
    ).toEqual({
      line: 4,
      problems: [
        'expect-exit takes an exit status (0-255), got "x"',
        'expect-exit takes a whole number, got 1.5',
        'expect-exit takes an exit status (0-255), got "300"',
        'timeout takes seconds (more than 0, at most 3600), got "0"',
        'timeout takes seconds (more than 0, at most 3600), got "4000"',
        'probe takes a loopback URL (http://localhost:PORT/…), got "http://example.com/"',
        'probe takes a loopback URL (http://localhost:PORT/…), got ""',
        `unknown control 'retry=3' (known: skip reason="…", expect-exit=N, timeout=S, background, probe=URL)`,
      ],
    })
  })

  it('accepts only loopback probes', () => {
    for (const url of ['http://127.0.0.1:8080/', 'https://localhost/health', 'http://[::1]:80/x'])
      expect(readControls(`probe=${url}`, 1).probe).toBe(url)
    expect(readControls('probe=http://localhost.example.com/', 1).probe).toBeUndefined()
  })
})

describe('controls in a document', () => {
  const at = (text: string) => {
    const doc = parseDocument('lessons/x.md', text)
    return doc.blocks.map((b) => ({ line: b.line, controls: b.controls }))
  }

  it('reads the example lesson of the README', () => {
    const text = [
      '---',
      'title: "A Go service"',
      'lessonproof:',
      '  step_timeout_s: 300',
      '  workstation_packages: [golang-go]',
      '---',
      '',
      '<!-- lessonproof: timeout=600 -->',
      `${F}bash`,
      'go build -o server .',
      F,
      '',
      '<!-- lessonproof: background probe=http://localhost:8080/health -->',
      `${F}bash`,
      './server',
      F,
      '',
      'A missing page fails, and `curl -f` says so:',
      '',
      `${F}bash {lessonproof="expect-exit=22"}`,
      'curl -sf http://localhost:8080/missing',
      F,
      '',
      '<!-- lessonproof: skip reason="opens a browser on the desktop" -->',
      `${F}bash`,
      'xdg-open http://localhost:8080/health',
      F,
      '',
    ].join('\n')
    expect(at(text)).toEqual([
      { line: 9, controls: { line: 8, timeoutS: 600 } },
      { line: 14, controls: { line: 13, background: true, probe: 'http://localhost:8080/health' } },
      { line: 20, controls: { line: 20, expectExit: 22 } },
      { line: 25, controls: { line: 24, skip: 'opens a browser on the desktop' } },
    ])
  })

  it('applies a comment to the block right after it, across a blank line, and to no later block', () => {
    const text = ['<!-- lessonproof: skip -->', '', `${F}bash`, 'ls', F, '', `${F}bash`, 'pwd', F, ''].join(
      '\n',
    )
    expect(at(text)).toEqual([
      { line: 3, controls: { line: 1, skip: 'the author skips it' } },
      { line: 7, controls: undefined },
    ])
  })

  it('lets a paragraph between the comment and a block cancel the comment, but keeps the lead after it', () => {
    const cancelled = ['<!-- lessonproof: skip -->', '', 'Now list the files:', '', `${F}bash`, 'ls', F, '']
    expect(at(cancelled.join('\n'))).toEqual([{ line: 5, controls: undefined }])
    // The comment does not render, so the label before it still names the block's file.
    const doc = parseDocument(
      'lessons/x.md',
      ['Create `run.sh`:', '', '<!-- lessonproof: skip -->', `${F}bash`, 'echo hi', F, ''].join('\n'),
    )
    expect(doc.blocks[0]).toMatchObject({
      file: 'run.sh',
      controls: { line: 3, skip: 'the author skips it' },
    })
  })

  it('joins a comment and an info-string attribute, the attribute read last', () => {
    const text = [
      '<!-- lessonproof: timeout=30 -->',
      `${F}bash {lessonproof="timeout=60 background"}`,
      'x',
      F,
      '',
    ]
    expect(at(text.join('\n'))).toEqual([{ line: 2, controls: { line: 1, timeoutS: 60, background: true } }])
  })

  it('keeps an unknown word of an info-string attribute as a problem at the fence', () => {
    expect(at([`${F}bash {lessonproof=skipp}`, 'x', F, ''].join('\n'))).toEqual([
      {
        line: 1,
        controls: {
          line: 1,
          problems: [
            `unknown control 'skipp' (known: skip reason="…", expect-exit=N, timeout=S, background, probe=URL)`,
          ],
        },
      },
    ])
  })
})
