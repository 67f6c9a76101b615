import { describe, expect, it } from 'vitest'
import { extractClaims } from '../claims/index.js'
import type { DocumentError } from '../errors.js'
import { refusal } from '../testing.js'
import { decodeDocument, parseDocument } from './index.js'

const FILE = 'lessons/x.md'
const F = '```'

/** The published frontmatter shape, lines 1–9; `replace` edits one of its lines. */
function frontmatter(replace: Record<string, string> = {}): string {
  const lines = [
    '---',
    'title: "Multi-Stage Builds"',
    'chapter: 49',
    'lesson: 5',
    'duration_minutes: 50',
    'learning_objectives:',
    '  - objective: "Write a multi-stage Dockerfile"',
    '    bloom_level: "Create"',
    '---',
  ]
  return lines.map((l) => replace[l] ?? l).join('\n')
}

/** A lesson with the published frontmatter; the body starts at line 10. */
function lesson(body: string): string {
  return `${frontmatter()}\n${body}`
}

/** 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle))
  if (index === -1) throw new Error(`no line contains ${needle}`)
  return index + 1
}

/** The DocumentError parsing throws, so its file and line can be checked beside its message. */
const rejected = (text: string, file = FILE): DocumentError => refusal(() => parseDocument(file, text))

describe('frontmatter', () => {
  it('reports malformed YAML at its line in the file, not in the YAML', () => {
    const text = lesson('# Document\n').replace(
      'lesson: 5',
      'lesson: 5\ndescription: Docker images: smaller and faster',
    )
    expect(() => parseDocument(FILE, text)).toThrowErrorMatchingInlineSnapshot(`
      [DocumentError: lessons/x.md:5: frontmatter is not valid YAML: Nested mappings are not allowed in compact mappings
        expected: YAML mapping between the two \`---\` lines
        received: description: Docker images: smaller and faster]
    `)
    // Line 5 of the file is line 4 of the YAML: only the file's numbering may appear.
    expect(rejected(text)).toMatchObject({ file: FILE, line: lineOf(text, 'description:') })
    expect(rejected(text).message).not.toMatch(/at line \d/)
  })

  it('reports a duration_minutes that is a string: the key, the expected type, what was found', () => {
    const text = `${frontmatter({ 'duration_minutes: 50': 'duration_minutes: "fifty"' })}\n# Document\n`
    expect(() => parseDocument(FILE, text)).toThrowErrorMatchingInlineSnapshot(`
      [DocumentError: lessons/x.md:5: frontmatter 'duration_minutes' must be a number
        expected: duration_minutes: Invalid input: expected number, received string (published shape)
                  title: string, chapter: integer, lesson: integer, duration_minutes: number, and either
                    learning_objectives: [{ objective, bloom_level, assessment_method? }] (published shape), or
                    learning_objectives: [{ id, description, bloom_level }] (earlier shape)
        received: "fifty"]
    `)
    const error = rejected(text)
    expect(error).toMatchObject({ file: FILE, line: 5, received: '"fifty"' })
    expect(error.message.split('\n')[0]).toBe(
      "lessons/x.md:5: frontmatter 'duration_minutes' must be a number",
    )
    expect(error.cause).toBeDefined()
  })

  it('accepts the earlier shape (objectives with id and description) and tags it revision', () => {
    const text = [
      '---',
      'title: "Multi-Stage Builds"',
      'chapter: 49',
      'lesson: 5',
      'duration_minutes: 45',
      'learning_objectives:',
      '  - id: LO1',
      '    description: "Write a multi-stage Dockerfile"',
      '    bloom_level: Create',
      'cognitive_load:',
      '  concepts_count: 6',
      '---',
      '# Document',
    ].join('\n')
    const parsed = parseDocument('lessons/x.earlier-revision.md', text)
    expect(parsed.role).toBe('earlier-revision')
    expect(parsed.frontmatter?.shape).toBe('revision')
    expect(parsed.frontmatter?.data.learning_objectives).toEqual([
      { id: 'LO1', description: 'Write a multi-stage Dockerfile', bloom_level: 'Create' },
    ])
  })

  it('keeps unknown keys, with their lines', () => {
    const text = lesson('# Document\n').replace(
      'lesson: 5',
      'lesson: 5\ndifferentiation:\n  extension_for_advanced: "Try distroless"\nreviewed_by: ops',
    )
    const parsed = parseDocument(FILE, text)
    expect(parsed.frontmatter?.shape).toBe('published')
    expect(parsed.frontmatter?.data).toMatchObject({
      differentiation: { extension_for_advanced: 'Try distroless' },
      reviewed_by: 'ops',
    })
    expect(parsed.frontmatterLines).toMatchObject({ differentiation: 5, reviewed_by: 7 })
  })

  it('reports frontmatter that is opened but never closed at line 1', () => {
    const text = frontmatter().replace(/---$/, '# Document\n\nSome prose.\n')
    expect(() => parseDocument(FILE, text)).toThrowErrorMatchingInlineSnapshot(`
      [DocumentError: lessons/x.md:1: frontmatter opened with \`---\` at line 1 is never closed
        expected: a second \`---\` line after the YAML keys
        received: no closing \`---\` before the end of the file (12 lines)]
    `)
    expect(rejected(text).line).toBe(1)
  })

  it('reports a lesson without frontmatter', () => {
    expect(() => parseDocument(FILE, '# Document\n\nProse.\n')).toThrowErrorMatchingInlineSnapshot(`
      [DocumentError: lessons/x.md:1: lesson has no frontmatter
        expected: a \`---\` block with title, chapter, lesson and duration_minutes (name a summary card '<lesson>.summary.md')
        received: # Document]
    `)
  })
})

describe('Markdown edge cases', () => {
  it('reports an unterminated code fence at the line that opens it', () => {
    const text = lesson(`# Document\n\nBuild it:\n\n${F}bash\ndocker build -t a:b .\n\nMore prose.\n`)
    expect(() => parseDocument(FILE, text)).toThrowErrorMatchingInlineSnapshot(`
      [DocumentError: lessons/x.md:14: code fence \`\`\` opened at line 14 is never closed
        expected: a closing \`\`\` line after the block's content
        received: the block runs to the end of the file (line 18)]
    `)
    expect(rejected(text).line).toBe(lineOf(text, `${F}bash`))
  })

  it('does not mistake a `---` thematic break in the body for frontmatter', () => {
    const text = lesson('# Document\n\nBefore the break.\n\n---\n\ntitle: not frontmatter\n\n---\n\nAfter.\n')
    const parsed = parseDocument(FILE, text)
    expect(parsed.frontmatter?.data.title).toBe('Multi-Stage Builds')
    expect(parsed.frontmatterLines.title).toBe(2)
    expect(parsed.prose.filter((p) => p.kind === 'paragraph')).toEqual([
      { line: 12, text: 'Before the break.', kind: 'paragraph' },
      { line: 16, text: 'title: not frontmatter', kind: 'paragraph' },
      { line: 20, text: 'After.', kind: 'paragraph' },
    ])
  })

  it('parses CRLF line ends exactly as LF: same lines, claims and iterations', () => {
    const lf = lesson(
      [
        '# Document',
        '',
        '## Naive',
        '',
        'Create `Dockerfile.naive`:',
        '',
        `${F}dockerfile`,
        'FROM python:3.12',
        'RUN pip install fastapi',
        F,
        '',
        `${F}bash`,
        'docker build -t app:naive -f Dockerfile.naive .',
        'docker images app:naive',
        F,
        '',
        'Output:',
        '',
        F,
        'REPOSITORY   TAG     IMAGE ID       CREATED         SIZE',
        'app          naive   0123456789ab   2 minutes ago   1.21GB',
        F,
        '',
      ].join('\n'),
    )
    const decode = (text: string) => parseDocument(FILE, decodeDocument(FILE, new TextEncoder().encode(text)))
    const fromLf = decode(lf)
    const fromCrlf = decode(lf.replace(/\n/g, '\r\n'))

    expect(fromLf.iterations).toHaveLength(1)
    expect(fromLf.iterations[0]?.line).toBe(lineOf(lf, 'docker build'))
    expect(extractClaims(fromLf).map((c) => c.source.line)).toContain(lineOf(lf, 'app          naive'))
    expect(fromCrlf.lines).toEqual(fromLf.lines)
    expect(fromCrlf.iterations).toEqual(fromLf.iterations)
    expect(extractClaims(fromCrlf)).toEqual(extractClaims(fromLf))
  })
})

describe('file labels', () => {
  it.each([
    ['**File: Dockerfile.naive**', 'Dockerfile.naive', 'bold-file'],
    ['**File: Dockerfile.v4-optimized (no model file)**', 'Dockerfile.v4-optimized', 'bold-file'],
    ['Create `Dockerfile.naive`:', 'Dockerfile.naive', 'create'],
    ['Open `main.py` and replace its contents with:', 'main.py', 'open'],
    ['**Application code** (main.py):', 'main.py', 'application-code'],
    ['Create `./app/config.yaml`:', 'app/config.yaml', 'create'],
  ])('%s labels the next block %s', (lead, name, via) => {
    const text = lesson(`# Document\n\n${lead}\n\n${F}\ncontent\n${F}\n`)
    const [block] = parseDocument(FILE, text).blocks
    expect(block).toMatchObject({ line: lineOf(text, F), file: name, fileVia: via })
  })

  it('takes a first-line comment `# Dockerfile.v2` as the label', () => {
    const text = lesson(
      `# Document\n\nThe next version:\n\n${F}dockerfile\n# Dockerfile.v2\nFROM python:3.12-slim\n${F}\n`,
    )
    const parsed = parseDocument(FILE, text)
    expect(parsed.blocks[0]).toMatchObject({ file: 'Dockerfile.v2', fileVia: 'comment' })
    expect(parsed.files.map((f) => f.name)).toEqual(['Dockerfile.v2'])
  })

  it('leaves a block whose prose names no file unlabelled', () => {
    const text = lesson(`# Document\n\nRun this:\n\n${F}bash\nls\n${F}\n`)
    expect(parseDocument(FILE, text).blocks[0]?.file).toBeUndefined()
  })

  it('refuses a label with an absolute path, at the label line', () => {
    const text = lesson(`# Document\n\nCreate \`/etc/passwd\`:\n\n${F}\nroot:x:0:0\n${F}\n`)
    expect(() => parseDocument(FILE, text)).toThrowErrorMatchingInlineSnapshot(`
      [DocumentError: lessons/x.md:12: file label '/etc/passwd' points outside the lesson's project
        expected: a relative path inside the project, such as \`main.py\` or \`app/Dockerfile\`
        received: /etc/passwd]
    `)
    expect(rejected(text).line).toBe(lineOf(text, 'Create `/etc/passwd`'))
  })

  it('refuses a label with `..`, at the label line', () => {
    const text = lesson(`# Document\n\nSome prose.\n\n**File: ../secret.txt**\n\n${F}\nhunter2\n${F}\n`)
    expect(() => parseDocument(FILE, text)).toThrowErrorMatchingInlineSnapshot(`
      [DocumentError: lessons/x.md:14: file label '../secret.txt' points outside the lesson's project
        expected: a relative path inside the project, such as \`main.py\` or \`app/Dockerfile\`
        received: ../secret.txt]
    `)
    expect(rejected(text).line).toBe(lineOf(text, '**File:'))
  })

  it('supersedes a file with a later complete block, but not with an excerpt', () => {
    const text = lesson(
      [
        '# Document',
        '',
        'Create `Dockerfile`:',
        '',
        `${F}dockerfile`,
        'FROM python:3.12',
        'RUN pip install fastapi',
        F,
        '',
        'Open `Dockerfile` and change the base image:',
        '',
        `${F}dockerfile`,
        'FROM python:3.12-slim',
        '# ... rest same ...',
        F,
        '',
        '**File: Dockerfile**',
        '',
        `${F}dockerfile`,
        'FROM python:3.12-slim',
        'RUN pip install --no-cache-dir fastapi',
        F,
        '',
      ].join('\n'),
    )
    const parsed = parseDocument(FILE, text)
    const [first, excerpt, second] = parsed.blocks
    expect(excerpt?.file).toBe('Dockerfile')
    expect(parsed.files).toEqual([
      {
        name: 'Dockerfile',
        line: first?.line,
        content: 'FROM python:3.12\nRUN pip install fastapi',
        lang: 'dockerfile',
      },
      {
        name: 'Dockerfile',
        line: second?.line,
        content: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir fastapi',
        lang: 'dockerfile',
        supersedes: first?.line,
      },
    ])
  })
})

describe('commands, outputs and iterations', () => {
  it("attaches an Output block to the preceding shell block's last command", () => {
    const text = lesson(
      [
        '# Document',
        '',
        `${F}bash`,
        'docker build -t app:slim \\',
        '  -f Dockerfile.slim .',
        'docker images app:slim',
        F,
        '',
        '**Output:**',
        '',
        F,
        'REPOSITORY   TAG    IMAGE ID       CREATED         SIZE',
        'app          slim   0123456789ab   2 minutes ago   458MB',
        F,
        '',
      ].join('\n'),
    )
    const parsed = parseDocument(FILE, text)
    const outputLine = lineOf(text, 'REPOSITORY') - 1
    const imagesLine = lineOf(text, 'docker images')
    expect(parsed.commands.map((c) => [c.line, c.text])).toEqual([
      [lineOf(text, 'docker build'), 'docker build -t app:slim -f Dockerfile.slim .'],
      [imagesLine, 'docker images app:slim'],
    ])
    expect(parsed.outputs).toEqual([
      {
        line: outputLine,
        text: expect.stringContaining('458MB'),
        commandLine: imagesLine,
        command: 'docker images app:slim',
      },
    ])
    expect(parsed.commands[1]?.outputLine).toBe(outputLine)
    expect(parsed.commands[0]?.outputLine).toBeUndefined()
    expect(parsed.blocks.find((b) => b.line === outputLine)?.isOutput).toBe(true)
    expect(parsed.tables[0]).toMatchObject({
      origin: 'output',
      command: 'docker images app:slim',
      rows: [{ line: lineOf(text, 'app          slim'), cells: expect.arrayContaining(['458MB']) }],
    })
  })

  it('attaches an Output block after a file block to no command', () => {
    const text = lesson(
      `# Document\n\n${F}bash\nls\n${F}\n\n**File: main.py**\n\n${F}python\nprint(1)\n${F}\n\nOutput:\n\n${F}\n1\n${F}\n`,
    )
    const [output] = parseDocument(FILE, text).outputs
    expect(output).toEqual({ line: lineOf(text, 'Output:') + 2, text: '1' })
  })

  it('makes `docker build -t a:b -f Dockerfile.x .` an iteration with the files as they stand there', () => {
    const text = lesson(
      [
        '# Document',
        '',
        '## Iteration X',
        '',
        '**File: requirements.txt**',
        '',
        `${F}text`,
        'fastapi==0.115.0',
        F,
        '',
        'Create `Dockerfile.x`:',
        '',
        `${F}dockerfile`,
        'FROM python:3.12-slim',
        'COPY requirements.txt .',
        F,
        '',
        `${F}bash`,
        'docker build -t a:b -f Dockerfile.x .',
        F,
        '',
        'Later the lesson changes the Dockerfile and adds a file:',
        '',
        '**File: Dockerfile.x**',
        '',
        `${F}dockerfile`,
        'FROM python:3.12-alpine',
        F,
        '',
        '**File: main.py**',
        '',
        `${F}python`,
        'print(1)',
        F,
        '',
      ].join('\n'),
    )
    const parsed = parseDocument(FILE, text)
    expect(parsed.iterations).toHaveLength(1)
    const [iteration] = parsed.iterations
    expect(iteration).toMatchObject({
      index: 0,
      line: lineOf(text, 'docker build'),
      dockerfile: 'Dockerfile.x',
      tag: 'a:b',
      name: 'b',
      section: 'Iteration X',
    })
    expect(Object.keys(iteration?.files ?? {}).sort()).toEqual(['Dockerfile.x', 'requirements.txt'])
    expect(iteration?.files['Dockerfile.x']).toMatchObject({
      line: lineOf(text, `${F}dockerfile`),
      content: 'FROM python:3.12-slim\nCOPY requirements.txt .',
    })
  })

  /** A lesson building each command in turn, with Dockerfile.a and Dockerfile.b defined first. */
  function builds(...commands: string[]): string {
    return lesson(
      [
        '# Document',
        '',
        'Create `Dockerfile.a`:',
        '',
        `${F}dockerfile`,
        'FROM debian:bookworm-slim',
        F,
        '',
        'Create `Dockerfile.b`:',
        '',
        `${F}dockerfile`,
        'FROM debian:bookworm',
        F,
        '',
        ...commands.flatMap((c) => [`${F}bash`, c, F, '']),
      ].join('\n'),
    )
  }

  it('gives every build its own iteration: tags are compared whole and as written', () => {
    const parsed = parseDocument(
      FILE,
      builds(
        'docker build -t localhost:5000/app:v1 -f Dockerfile.a .',
        'docker build -t localhost:5000/app:v2 -f Dockerfile.a .',
        'docker build -t app:v1 -f Dockerfile.a .',
        'docker build -t app:V1 -f Dockerfile.b .',
      ),
    )
    expect(parsed.iterations.map((i) => [i.index, i.tag, i.dockerfile])).toEqual([
      [0, 'localhost:5000/app:v1', 'Dockerfile.a'],
      [1, 'localhost:5000/app:v2', 'Dockerfile.a'],
      [2, 'app:v1', 'Dockerfile.a'],
      [3, 'app:V1', 'Dockerfile.b'],
    ])
    expect(parsed.iterations.map((i) => i.name)).toEqual(['v1', 'v2', 'v1', 'V1'])
  })

  it('builds a tag again from another Dockerfile as a new iteration, and an unchanged one as a rebuild', () => {
    const parsed = parseDocument(
      FILE,
      builds(
        'docker build -t app:v1 -f Dockerfile.a .',
        'docker build -t app:v1 -f Dockerfile.a .',
        'docker build -t app:v1 -f Dockerfile.b .',
      ),
    )
    expect(parsed.iterations.map((i) => [i.index, i.tag, i.dockerfile, i.rebuildOf])).toEqual([
      [0, 'app:v1', 'Dockerfile.a', undefined],
      [1, 'app:v1', 'Dockerfile.a', 0],
      [2, 'app:v1', 'Dockerfile.b', undefined],
    ])
  })

  it('keeps the --target of a build', () => {
    const parsed = parseDocument(FILE, builds('docker build --target builder -t app:build -f Dockerfile.a .'))
    expect(parsed.iterations[0]).toMatchObject({ tag: 'app:build', target: 'builder' })
  })
})
