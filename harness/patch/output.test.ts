import { describe, expect, it } from 'vitest'
import { compareOutput } from '../compare/index.js'
import { outputEdit, replaceOutput } from './output.js'

/** Every replacement must hold against the run it was made from. */
function replaced(claimed: string, actual: string, options = {}) {
  const text = replaceOutput(claimed, actual, options)
  expect(compareOutput(text, actual, options).pass).toBe(true)
  return text
}

describe('replaceOutput: lines', () => {
  it('returns the claim itself when it holds', () => {
    const claimed = 'Successfully built 1a2b3c4d5e6f\nSuccessfully tagged app:1\n'
    expect(replaceOutput(claimed, 'Successfully built 225f7f8b0c4c\nSuccessfully tagged app:1\n')).toBe(
      claimed,
    )
  })

  it('writes changed lines and keeps the held ones as the author wrote them', () => {
    const claimed = 'Successfully built 1a2b3c4d5e6f\nversion 1.0\n'
    expect(replaced(claimed, 'Successfully built 225f7f8b0c4c\nversion 1.1\n')).toBe(
      'Successfully built 1a2b3c4d5e6f\nversion 1.1\n',
    )
  })

  it('keeps an elision where a line beside it still holds', () => {
    const claimed = 'Step 1/3 : FROM debian:bookworm-slim\n...\nSuccessfully tagged app:1\n'
    const actual =
      'Step 1/4 : FROM debian:bookworm-slim\n ---> 457b29abc760\nStep 2/4 : RUN make\nSuccessfully tagged app:1\n'
    expect(replaced(claimed, actual)).toBe(
      'Step 1/4 : FROM debian:bookworm-slim\n...\nSuccessfully tagged app:1\n',
    )
  })

  it('keeps an elision at the start of a block while the line after it holds', () => {
    expect(replaced('...\nlast\n', 'a\nb\nlast\n')).toBe('...\nlast\n')
    expect(replaced('...\nlast\n', 'a\nb\nfinal\n')).toBe('...\nfinal\n')
  })

  it('writes out what an elision stood for when no line beside it holds', () => {
    expect(replaced('head\n...\ntail\n', 'HEAD\nbody\nTAIL\n')).toBe('HEAD\nbody\nTAIL\n')
  })

  it('drops lines the run no longer prints and adds the ones it does', () => {
    expect(replaced('a\nb\nc\n', 'a\nc\nd\n')).toBe('a\nc\nd\n')
  })

  it('writes the lesson’s ports, not the run’s', () => {
    const options = { ports: [{ lesson: 8000, run: 49153 }] }
    expect(
      replaced(
        'Uvicorn running on http://127.0.0.1:8000\nready\n',
        'Uvicorn running on http://127.0.0.1:49153\nset\n',
        options,
      ),
    ).toBe('Uvicorn running on http://127.0.0.1:8000\nset\n')
  })

  it('keeps lines it leaves out of the comparison in place', () => {
    const options = { ignoreLines: [/^Digest: /] }
    expect(replaced('Digest: sha256:0a1b2c3d4e5f\nhello\n', 'bye\n', options)).toBe(
      'Digest: sha256:0a1b2c3d4e5f\nbye\n',
    )
  })
})

describe('replaceOutput: tables', () => {
  const claimed = `REPOSITORY            TAG       IMAGE ID       CREATED          SIZE
task-api              slim      1a2b3c4d5e6f   2 minutes ago    125MB
task-api-multistage   latest    2b3c4d5e6f70   30 seconds ago   115MB
`

  it('changes only the cells that no longer hold, at the author’s columns', () => {
    const actual = `REPOSITORY            TAG       IMAGE ID       CREATED                  SIZE
task-api              slim      9a2b3c4d5e6f   Less than a second ago   126MB
task-api-multistage   latest    9b3c4d5e6f70   Less than a second ago   190MB
`
    expect(
      replaced(claimed, actual),
    ).toBe(`REPOSITORY            TAG       IMAGE ID       CREATED          SIZE
task-api              slim      1a2b3c4d5e6f   2 minutes ago    125MB
task-api-multistage   latest    2b3c4d5e6f70   30 seconds ago   190MB
`)
  })

  it('lines the table up again as Docker does when a new cell does not fit', () => {
    const actual = `REPOSITORY                      TAG       IMAGE ID       CREATED          SIZE
task-api                        slim      9a2b3c4d5e6f   2 minutes ago    125MB
task-api-multistage-optimised   latest    9b3c4d5e6f70   30 seconds ago   115MB
`
    const text = replaced(claimed, actual)
    expect(text).toBe(`REPOSITORY                      TAG       IMAGE ID       CREATED          SIZE
task-api                        slim      1a2b3c4d5e6f   2 minutes ago    125MB
task-api-multistage-optimised   latest    2b3c4d5e6f70   30 seconds ago   115MB
`)
  })

  it('keeps an elision row and adds a row the run listed', () => {
    const history = `IMAGE          CREATED         CREATED BY                                      SIZE      COMMENT
0f1e2d3c4b5a   2 weeks ago     /bin/sh -c #(nop)  CMD ["cat" "/hello.txt"]     0B
...
`
    const actual = `IMAGE          CREATED                  CREATED BY                                      SIZE      COMMENT
225f7f8b0c4c   Less than a second ago   /bin/sh -c #(nop)  CMD ["cat" "/hello.txt"]     0B
9cc22eef90b7   Less than a second ago   /bin/sh -c echo hello > /hello.txt && head -…   2MB
457b29abc760   10 minutes ago                                                           74.8MB    Imported from -
`
    expect(replaceOutput(history, actual)).toBe(history)
  })
})

describe('replaceOutput: JSON', () => {
  it('keeps the author’s key order, indentation and the values that hold', () => {
    const claimed =
      '{\n    "status": "healthy",\n    "checked_at": "2024-03-01T10:00:00Z",\n    "version": "1.0"\n}\n'
    const actual = '{"version":"1.1","checked_at":"2025-11-26T14:08:43Z","status":"healthy","uptime_s":3}'
    expect(replaced(claimed, actual)).toBe(
      '{\n    "status": "healthy",\n    "checked_at": "2024-03-01T10:00:00Z",\n    "version": "1.1",\n    "uptime_s": 3\n}\n',
    )
  })

  it('writes one-line JSON as the author spaced it', () => {
    expect(replaced('{"status": "ok"}\n', '{"status":"down"}')).toBe('{"status": "down"}\n')
    expect(replaced('{"status":"ok"}\n', '{"status": "down"}')).toBe('{"status":"down"}\n')
  })
})

describe('outputEdit', () => {
  it('is a block edit of the claimed lines, or nothing when they hold', () => {
    const block = { from: 20, lines: ['hello', 'world'] }
    expect(outputEdit(block, 'hello\nworld\n')).toBeUndefined()
    expect(outputEdit(block, 'hello\nthere\n')).toEqual({
      from: 20,
      to: 21,
      old: ['hello', 'world'],
      lines: ['hello', 'there'],
    })
  })
})
