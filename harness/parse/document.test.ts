import { describe, expect, it } from 'vitest'
import { extractClaims } from '../claims/index.js'
import { decodeDocument, parseDocument, resolveFile } from './index.js'

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

describe('frontmatter', () => {
  it('reads on past malformed YAML: unreadable at its line in the file, not in the YAML, body still parsed', () => {
    const text = lesson('# Document\n\nBuild it:\n\n```bash\ndocker build -t a:b .\n```\n').replace(
      'lesson: 5',
      'lesson: 5\ndescription: Docker images: smaller and faster',
    )
    const parsed = parseDocument(FILE, text)
    expect(parsed.unreadable).toMatchInlineSnapshot(`
      {
        "expected": "YAML mapping between the two \`---\` lines",
        "line": 5,
        "reason": "frontmatter is not valid YAML: Nested mappings are not allowed in compact mappings",
        "received": "description: Docker images: smaller and faster",
        "what": "frontmatter",
      }
    `)
    // Line 5 of the file is line 4 of the YAML: only the file's numbering may appear.
    expect(parsed.unreadable?.line).toBe(lineOf(text, 'description:'))
    expect(parsed.unreadable?.reason).not.toMatch(/at line \d/)
    expect(parsed.frontmatter).toBeUndefined()
    expect(parsed.headings.map((h) => h.text)).toEqual(['Document'])
    expect(parsed.commands.map((c) => c.line)).toEqual([lineOf(text, 'docker build')])
  })

  it('reports a duration_minutes that is a string at its line, keeps the rest of the frontmatter', () => {
    const text = `${frontmatter({ 'duration_minutes: 50': 'duration_minutes: "fifty"' })}\n# Document\n`
    const parsed = parseDocument(FILE, text)
    expect(parsed.unreadable).toBeUndefined()
    expect(parsed.frontmatterProblems).toMatchInlineSnapshot(`
      [
        {
          "expected": "duration_minutes: Invalid input: expected number, received string (published shape)
      where present: title: string, chapter: integer, lesson: integer, duration_minutes: number,
        keywords: a list or a comma-separated string, and either
        learning_objectives: [{ objective, bloom_level, assessment_method? }] (published shape), or
        learning_objectives: [{ id, description, bloom_level }] (earlier shape)",
          "key": "duration_minutes",
          "line": 5,
          "message": "frontmatter 'duration_minutes' must be a number",
          "received": ""fifty"",
        },
      ]
    `)
    expect(parsed.frontmatter?.shape).toBe('published')
    expect(parsed.frontmatter?.data).not.toHaveProperty('duration_minutes')
    expect(parsed.frontmatter?.data).toMatchObject({ title: 'Multi-Stage Builds', chapter: 49, lesson: 5 })
  })

  it('reports every wrong course key, each at its own line, nested keys included', () => {
    const text = frontmatter({
      'chapter: 49': 'chapter: "forty-nine"',
      '    bloom_level: "Create"': '    bloom_level: ""',
    })
    const parsed = parseDocument(FILE, `${text}\n# Document\n`)
    expect(parsed.frontmatterProblems.map((p) => [p.line, p.key, p.message])).toEqual([
      [3, 'chapter', "frontmatter 'chapter' must be a number"],
      [
        8,
        'learning_objectives.0.bloom_level',
        expect.stringContaining("'learning_objectives.0.bloom_level' is invalid"),
      ],
    ])
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

  it('reports frontmatter that is opened but never closed at line 1, and reads the rest', () => {
    const text = frontmatter().replace(/---$/, '# Document\n\nSome prose.\n')
    const parsed = parseDocument(FILE, text)
    expect(parsed.unreadable).toMatchInlineSnapshot(`
      {
        "expected": "a second \`---\` line after the YAML keys",
        "line": 1,
        "reason": "frontmatter opened with \`---\` at line 1 is never closed",
        "received": "no closing \`---\` before the end of the file (12 lines)",
        "what": "frontmatter",
      }
    `)
    expect(parsed.prose.find((p) => p.text === 'Some prose.')?.line).toBe(lineOf(text, 'Some prose.'))
  })

  it('reads a document without frontmatter: nothing to check there, nothing refused', () => {
    const parsed = parseDocument(FILE, '# Document\n\nProse.\n')
    expect(parsed).toMatchObject({ frontmatterFormat: 'none', frontmatterProblems: [], problems: [] })
    expect(parsed.frontmatter).toBeUndefined()
    expect(parsed.unreadable).toBeUndefined()
  })

  it('reads TOML frontmatter (+++), unknown keys kept, keywords as one string', () => {
    const text = [
      '+++',
      'title = "Slim images"',
      'date = 2024-05-01',
      'keywords = "docker, images, size"',
      '[params]',
      'series = "containers"',
      '+++',
      '',
      '# Slim images',
    ].join('\n')
    const parsed = parseDocument(FILE, text)
    expect(parsed.frontmatterFormat).toBe('toml')
    expect(parsed.frontmatter).toMatchObject({
      shape: 'other',
      format: 'toml',
      data: { title: 'Slim images', keywords: 'docker, images, size', params: { series: 'containers' } },
    })
    expect(parsed.frontmatterLines).toEqual({ title: 2, date: 3, keywords: 4, params: 5 })
    expect(parsed.headings[0]?.line).toBe(9)
  })

  it('reports TOML that does not parse at its line', () => {
    const parsed = parseDocument(FILE, '+++\ntitle = "x"\nweight = = 3\n+++\n\n# T\n')
    expect(parsed.unreadable).toMatchObject({ line: 3, what: 'frontmatter', received: 'weight = = 3' })
    expect(parsed.unreadable?.reason).toMatch(/^frontmatter is not valid TOML: /)
    expect(parsed.headings.map((h) => h.text)).toEqual(['T'])
  })

  it('reads JSON frontmatter, as a bare object and as gray-matter `---json`', () => {
    const bare = parseDocument(FILE, '{\n  "title": "Slim",\n  "weight": 3\n}\n\n# Slim\n')
    expect(bare).toMatchObject({ frontmatterFormat: 'json', frontmatterLines: { title: 2, weight: 3 } })
    expect(bare.frontmatter?.data).toEqual({ title: 'Slim', weight: 3 })
    expect(bare.headings[0]?.line).toBe(6)
    const fenced = parseDocument(FILE, '---json\n{ "title": "Slim" }\n---\n# Slim\n')
    expect(fenced.frontmatter).toMatchObject({ format: 'json', data: { title: 'Slim' } })
    const broken = parseDocument(FILE, '{\n  "title": "Slim",\n  "weight": 3,\n}\n\n# Slim\n')
    expect(broken.unreadable).toMatchObject({ line: 4, what: 'frontmatter' })
  })

  it('takes the shape from the objectives, not from digcomp_mapping', () => {
    const text = `${frontmatter().replace(/---$/, '')}digcomp_mapping:\n  - objective_id: LO1\n    competency_area: "5. Problem Solving"\n    competency: "5.1"\n---\n# D\n`
    const parsed = parseDocument(FILE, text)
    expect(parsed.frontmatterProblems).toEqual([])
    expect(parsed.frontmatter?.shape).toBe('published')
    expect(parsed.frontmatter?.data).toHaveProperty('digcomp_mapping')
  })
})

describe('Markdown edge cases', () => {
  it('reports an unterminated code fence at the line that opens it; the block runs to the end', () => {
    const text = lesson(`# Document\n\nBuild it:\n\n${F}bash\ndocker build -t a:b .\n\nMore prose.\n`)
    const parsed = parseDocument(FILE, text)
    expect(parsed.problems).toMatchInlineSnapshot(`
      [
        {
          "code": "unclosed-fence",
          "expected": "a closing \`\`\` line after the block's content",
          "line": 14,
          "message": "code fence \`\`\` opened at line 14 is never closed",
          "received": "the block runs to the end of the file (line 18)",
        },
      ]
    `)
    expect(parsed.problems[0]?.line).toBe(lineOf(text, `${F}bash`))
    expect(parsed.commands.map((c) => c.text)).toEqual(['docker build -t a:b .', 'More prose.'])
  })

  it('reads an empty file as an empty document with the problem at line 1', () => {
    const parsed = parseDocument(FILE, ' \n\n')
    expect(parsed.problems).toMatchInlineSnapshot(`
      [
        {
          "code": "empty",
          "expected": "a lesson: Markdown (with or without frontmatter), or plain text",
          "line": 1,
          "message": "file is empty",
          "received": "3 characters of white space",
        },
      ]
    `)
    expect(parsed.blocks).toEqual([])
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

  it('reports a label with an absolute path at the label line, and leaves the block unlabelled', () => {
    const text = lesson(`# Document\n\nCreate \`/etc/passwd\`:\n\n${F}\nroot:x:0:0\n${F}\n`)
    const parsed = parseDocument(FILE, text)
    expect(parsed.problems).toMatchInlineSnapshot(`
      [
        {
          "code": "label-outside-project",
          "expected": "a relative path inside the project, such as \`main.py\` or \`app/Dockerfile\`",
          "line": 12,
          "message": "file label '/etc/passwd' points outside the lesson's project",
          "received": "/etc/passwd",
        },
      ]
    `)
    expect(parsed.problems[0]?.line).toBe(lineOf(text, 'Create `/etc/passwd`'))
    expect(parsed.blocks[0]?.file).toBeUndefined()
    expect(parsed.files).toEqual([])
  })

  it('reports a label with `..` at the label line', () => {
    const text = lesson(`# Document\n\nSome prose.\n\n**File: ../secret.txt**\n\n${F}\nhunter2\n${F}\n`)
    const parsed = parseDocument(FILE, text)
    expect(parsed.problems.map((p) => [p.line, p.message])).toEqual([
      [lineOf(text, '**File:'), "file label '../secret.txt' points outside the lesson's project"],
    ])
    expect(parsed.files).toEqual([])
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
        via: 'create',
        contentLine: (first?.line ?? 0) + 1,
      },
      {
        name: 'Dockerfile',
        line: second?.line,
        content: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir fastapi',
        lang: 'dockerfile',
        via: 'bold-file',
        contentLine: (second?.line ?? 0) + 1,
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

describe('references and iterations', () => {
  const DF = (from: string) => `${F}dockerfile\nFROM ${from}\nCMD ["app"]\n${F}\n`
  const build = (cmd: string) => `${F}bash\n${cmd}\n${F}\n`

  it('builds the most recent complete Dockerfile with `docker build .`, even unlabelled', () => {
    const text = [
      '# Doc',
      '',
      '**File: Dockerfile**',
      '',
      DF('python:3.12'),
      'A better one:',
      '',
      DF('python:3.12-slim'),
      build('docker build -t app .'),
    ].join('\n')
    const doc = parseDocument(FILE, text)
    expect(doc.files.map((f) => [f.line, f.via, f.supersedes])).toEqual([
      [5, 'bold-file', undefined],
      [12, 'content', 5],
    ])
    expect(doc.iterations[0]?.files.Dockerfile?.content).toBe('FROM python:3.12-slim\nCMD ["app"]')
  })

  it('says where a Dockerfile the document never shows comes from', () => {
    const text = [
      '# Doc',
      '',
      'Go to the project where you created the Dockerfile in Lesson 3:',
      '',
      build('docker build -t api:v1 .'),
      '## Elsewhere',
      '',
      build('git clone https://git.example/app.git'),
      build('docker build -f Dockerfile.multi -t app:multi .'),
      build('docker build -f Dockerfile.late -t app:late .'),
      '**File: Dockerfile.late**',
      '',
      DF('alpine'),
      build('docker build -f Dockerfile.late -t app:late2 .'),
    ].join('\n')
    const doc = parseDocument(FILE, text)
    expect(doc.references.map((r) => [r.name, r.kind])).toEqual([
      ['Dockerfile', 'earlier-lesson'],
      ['Dockerfile.multi', 'repository'],
      ['Dockerfile.late', 'defined-later'],
    ])
    expect(doc.references[0]?.reason).toMatchInlineSnapshot(
      `"Dockerfile comes from an earlier lesson (line 3: "Go to the project where you created the Dockerfile in Lesson 3:")"`,
    )
    expect(doc.iterations.map((i) => [i.tag, i.reference?.kind])).toEqual([
      ['api:v1', 'earlier-lesson'],
      ['app:multi', 'repository'],
      ['app:late', 'defined-later'],
      ['app:late2', undefined],
    ])
  })

  it('takes a placeholder written by a heredoc for the Dockerfile a later build uses', () => {
    const text = [
      '# Doc',
      '',
      DF('python:3.12'),
      '## Your turn',
      '',
      `${F}bash`,
      "cat > Dockerfile << 'EOF'",
      '[your improved Dockerfile here]',
      'EOF',
      'docker build -t mine .',
      F,
    ].join('\n')
    const doc = parseDocument(FILE, text)
    expect(doc.references).toMatchObject([{ name: 'Dockerfile', line: 11, kind: 'placeholder' }])
    expect(resolveFile(doc, 'Dockerfile', 14)).toEqual({ reference: doc.references[0] })
    expect(resolveFile(doc, 'Dockerfile', 10).version?.line).toBe(3)
    expect(doc.iterations).toEqual([])
  })

  it('lets a later build of the same tag from another Dockerfile correct the earlier one, each its own iteration', () => {
    const text = [
      '# Doc',
      '',
      '**File: Dockerfile.a**',
      '',
      DF('alpine'),
      build('docker build -f Dockerfile.a -t job:v1 .'),
      'Wait, that Dockerfile is wrong for this job.',
      '',
      '**File: Dockerfile.b**',
      '',
      DF('debian'),
      build('docker build -f Dockerfile.b -t job:v1 .'),
      build('docker build -f Dockerfile.b -t job:v1 .'),
    ].join('\n')
    const doc = parseDocument(FILE, text)
    const a = lineOf(text, 'docker build -f Dockerfile.a')
    const b = lineOf(text, 'docker build -f Dockerfile.b')
    // Claims before the corrected build are measured against the first image, after it the second;
    // the build repeated from the same files is the lesson's rebuild of the second.
    expect(doc.iterations.map((i) => [i.index, i.line, i.dockerfile, i.replaces, i.rebuildOf])).toEqual([
      [0, a, 'Dockerfile.a', undefined, undefined],
      [1, b, 'Dockerfile.b', a, undefined],
      [2, b + 4, 'Dockerfile.b', undefined, 1],
    ])
  })

  it('reads a command from prose that says to run it, not from prose that names it', () => {
    const text = [
      '# Doc',
      '',
      DF('alpine'),
      'Now build it with `docker build -t tiny .` and list it.',
      '',
      'Type in `docker images tiny` to see it. The `docker build` command reads the Dockerfile.',
      '',
      '`Docker build -t tiny2 .`',
    ].join('\n')
    const doc = parseDocument(FILE, text)
    expect(doc.commands.map((c) => [c.line, c.text, c.inline, c.shellRejects !== undefined])).toEqual([
      [8, 'docker build -t tiny .', true, false],
      [10, 'docker images tiny', true, false],
      [12, 'Docker build -t tiny2 .', true, true],
    ])
    expect(doc.iterations.map((i) => i.tag)).toEqual(['tiny'])
  })
})
