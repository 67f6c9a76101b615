import { describe, expect, it } from 'vitest'
import { F } from '../testing.js'
import { parseDocument } from './document.js'
import { applyDiff, dockerfileShape, filesAt, templateMarks, versionsOf } from './files.js'

const DOCKERFILE = 'FROM python:3.12-slim\nCOPY app.py .\nCMD ["python", "app.py"]'

/** The first block of a document made of `lead`, then a fence of `lang` holding `value`. */
function firstBlock(lead: string, lang = '', value = DOCKERFILE) {
  const text = `# Doc\n\n${lead}\n\n${F}${lang}\n${value}\n${F}\n`
  return parseDocument('docs/x.md', text).blocks[0]
}

describe('which file a block is', () => {
  it.each([
    // prose leads
    ['And with that, you should have the following Dockerfile:', '', 'Dockerfile', 'prose'],
    ['Consider the following Dockerfile:', 'dockerfile', 'Dockerfile', 'prose'],
    ['Paste the below into your _Dockerfile_.', '', 'Dockerfile', 'prose'],
    ['Paste it in, to the *Dockerfile*', '', 'Dockerfile', 'prose'],
    ['Save the following as `Dockerfile.dev`:', '', 'Dockerfile.dev', 'prose'],
    ['You can test this by writing a Dockerfile like the following:', '', 'Dockerfile', 'prose'],
    ['**Your Dockerfile (from the previous lesson):**', 'dockerfile', 'Dockerfile', 'prose'],
    ['Create a file named `Dockerfile` with these contents.', 'dockerfile', 'Dockerfile', 'create'],
    ['Create a new file called `api.Dockerfile`:', 'dockerfile', 'api.Dockerfile', 'create'],
    ['**Dockerfile**', 'dockerfile', 'Dockerfile', 'bold-file'],
    ["Here is our app's `Dockerfile`:", 'dockerfile', 'Dockerfile', 'prose'],
    ['`compose.yaml`:', 'yaml', 'compose.yaml', 'bold-file'],
    // a bold lead that names no file: the content decides
    ['**The assistant proposes:**', 'dockerfile', 'Dockerfile', 'content'],
    ['Here is one way to do it.', '', 'Dockerfile', 'content'],
  ])('%s (fence %j) holds %s, found by %s', (lead, lang, file, via) => {
    expect(firstBlock(lead, lang)).toMatchObject({ kind: 'file', file, fileVia: via })
  })

  it.each([
    ['dockerfile {title=Dockerfile}', 'Dockerfile'],
    ['dockerfile {collapse=true,title=Dockerfile}', 'Dockerfile'],
    ['dockerfile title="build/Dockerfile"', 'build/Dockerfile'],
    ['text {collapse=true,title=".dockerignore"}', '.dockerignore'],
    ['dockerfile:Dockerfile.prod', 'Dockerfile.prod'],
    ['dockerfile ', 'Dockerfile'],
  ])('info string %j names %s', (info, file) => {
    const text = `# Doc\n\nSome words.\n\n${F}${info}\n${DOCKERFILE}\n${F}\n`
    expect(parseDocument('docs/x.md', text).blocks[0]).toMatchObject({ kind: 'file', file })
  })

  it('takes a first-line comment naming a path', () => {
    expect(firstBlock('The service:', 'dockerfile', `# app/Dockerfile\n${DOCKERFILE}`)).toMatchObject({
      file: 'app/Dockerfile',
      fileVia: 'comment',
    })
  })

  it('keeps a label that one short note separates from its fence', () => {
    const text = `# Doc\n\n**File: Dockerfile**\n\n(Unchanged from the last part)\n\n${F}dockerfile\n${DOCKERFILE}\n${F}\n`
    expect(parseDocument('docs/x.md', text).blocks[0]).toMatchObject({
      file: 'Dockerfile',
      fileVia: 'bold-file',
    })
  })

  it('reads "adding the following line" as an excerpt of the named file, not a version', () => {
    const text = `# Doc\n\nIn the \`Dockerfile\`, set the base image by adding the following line:\n\n${F}dockerfile\nFROM alpine:3.19\n${F}\n`
    const doc = parseDocument('docs/x.md', text)
    expect(doc.blocks[0]).toMatchObject({ kind: 'excerpt', file: 'Dockerfile' })
    expect(doc.files).toEqual([])
  })

  it('does not take an AI prompt, a one-line FROM or a shell block for a Dockerfile', () => {
    expect(firstBlock('**Your request:**', '', `Write a Dockerfile that:\n${DOCKERFILE}`)).toMatchObject({
      kind: 'text',
    })
    expect(firstBlock('For example:', 'bash', 'FROM registry.example/python:3.12')).toMatchObject({
      kind: 'text',
      looksLike: 'dockerfile-fragment',
    })
    const shell = firstBlock(
      'Create a Dockerfile with the following contents:',
      'bash',
      'echo \'FROM alpine\nCMD ["sh"]\' | tee Dockerfile',
    )
    expect(shell).toMatchObject({ kind: 'commands' })
    expect(shell?.file).toBeUndefined()
  })

  it('marks a block whose content the reader supplies as a placeholder, not a version', () => {
    const doc = parseDocument(
      'docs/x.md',
      `# Doc\n\n**File: Dockerfile**\n\n${F}\n[your optimized Dockerfile here]\n${F}\n`,
    )
    expect(doc.blocks[0]).toMatchObject({ file: 'Dockerfile', placeholder: true })
    expect(doc.files).toEqual([])
    expect(doc.references).toMatchObject([{ name: 'Dockerfile', kind: 'placeholder', line: 5 }])
  })
})

describe('dockerfileShape', () => {
  it.each([
    [DOCKERFILE, false, 'complete'],
    [
      '# syntax=docker/dockerfile:1\nARG V=3.12\nFROM python:$V\nRUN <<EOF\napt-get update\nEOF',
      false,
      'complete',
    ],
    ['FROM alpine:3.19', false, 'fragment'],
    ['RUN apt-get update && \\\n    apt-get install -y curl', false, 'fragment'],
    ['from alpine\nrun echo hi', false, undefined],
    ['from alpine\nrun echo hi', true, 'complete'],
    ['From the base image, copy the app.', true, 'fragment'],
    ['Write a Dockerfile:\nFROM alpine', false, undefined],
  ])('%j (any case: %s) → %s', (value, anyCase, expected) => {
    expect(dockerfileShape(value, anyCase)).toBe(expected)
  })
})

describe('templateMarks', () => {
  it('finds template syntax and placeholders, not Docker syntax', () => {
    const value = [
      'ARG VERSION=3.12',
      'FROM <your-registry>/python:$VERSION',
      'FROM {{ .BaseImage }}',
      'RUN echo "<h1>hi</h1>" > index.html',
      'COPY {% raw %}x{% endraw %} .',
      '[paste the rest here]',
    ].join('\n')
    expect(templateMarks(value, 10)).toEqual([
      { line: 11, text: '<your-registry>', syntax: 'placeholder' },
      { line: 12, text: '{{ .BaseImage }}', syntax: 'template' },
      { line: 14, text: '{% raw %}', syntax: 'template' },
      { line: 14, text: '{% endraw %}', syntax: 'template' },
      { line: 15, text: '[paste the rest here]', syntax: 'placeholder' },
    ])
  })
})

describe('applyDiff', () => {
  const base = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]'

  it('applies a unified diff with headers and hunks', () => {
    const diff =
      '--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n-FROM python:3.12\n+FROM python:3.12-slim\n WORKDIR /app'
    expect(applyDiff(base, diff)).toBe(base.replace('python:3.12\n', 'python:3.12-slim\n'))
  })

  it('applies a hand-written diff without @@ lines, matched by its context', () => {
    expect(applyDiff(base, ' WORKDIR /app\n+RUN pip install --no-cache-dir flask\n COPY . .')).toBe(
      'FROM python:3.12\nWORKDIR /app\nRUN pip install --no-cache-dir flask\nCOPY . .\nCMD ["python", "app.py"]',
    )
  })

  it('gives up when a hunk does not match the base exactly once', () => {
    expect(applyDiff(base, '-FROM node:20\n+FROM node:20-slim')).toBeUndefined()
    expect(applyDiff(base, '+RUN echo only an addition')).toBeUndefined()
  })

  it('turns a diff block into a version of its file where the base is known, otherwise an excerpt', () => {
    const text = [
      '# Doc',
      '',
      '**File: Dockerfile**',
      '',
      `${F}dockerfile`,
      base,
      F,
      '',
      'Switch to the slim image:',
      '',
      `${F}diff`,
      '--- a/Dockerfile',
      '+++ b/Dockerfile',
      '-FROM python:3.12',
      '+FROM python:3.12-slim',
      F,
      '',
      'And in the worker:',
      '',
      `${F}diff`,
      '--- a/worker/Dockerfile',
      '+++ b/worker/Dockerfile',
      '-FROM node:20',
      '+FROM node:20-slim',
      F,
      '',
    ].join('\n')
    const doc = parseDocument('docs/x.md', text)
    expect(doc.blocks.map((b) => [b.kind, b.file, b.fileVia])).toEqual([
      ['file', 'Dockerfile', 'bold-file'],
      ['diff', 'Dockerfile', 'diff'],
      ['diff', 'worker/Dockerfile', 'diff'],
    ])
    expect(doc.files.map((f) => [f.name, f.line, f.via, f.supersedes, f.content.split('\n')[0]])).toEqual([
      ['Dockerfile', 5, 'bold-file', undefined, 'FROM python:3.12'],
      ['Dockerfile', 14, 'diff', 5, 'FROM python:3.12-slim'],
    ])
  })
})

describe('versionsOf and filesAt', () => {
  const event = (line: number, content: string, extra = {}) => ({
    name: 'Dockerfile',
    line,
    content,
    contentLine: line + 1,
    lang: 'dockerfile',
    via: 'attribute' as const,
    ...extra,
  })

  it('keeps a version in another tab of its group as an alternative, not a successor', () => {
    const versions = versionsOf([
      event(10, 'FROM a', { tab: { group: 5, name: 'Hardened' } }),
      event(30, 'FROM b', { tab: { group: 5, name: 'Official' } }),
      event(60, 'FROM c'),
    ])
    expect(versions.map((v) => [v.line, v.supersedes, v.alternativeTo])).toEqual([
      [10, undefined, undefined],
      [30, undefined, 10],
      [60, 10, undefined],
    ])
    expect(filesAt(versions, 50).Dockerfile?.line).toBe(10)
    expect(filesAt(versions, 70).Dockerfile?.line).toBe(60)
  })

  it('adds an append to the latest version, and drops one with nothing to add to', () => {
    const versions = versionsOf([
      event(5, 'EXPOSE 80', { append: true }),
      event(10, 'FROM a'),
      event(20, 'EXPOSE 80', { append: true }),
    ])
    expect(versions.map((v) => [v.line, v.content])).toEqual([
      [10, 'FROM a'],
      [20, 'FROM a\nEXPOSE 80'],
    ])
  })
})

describe('names that are not files', () => {
  it.each([['**Node.js**'], ['**ASP.NET**:'], ['Vue.js:']])('%s labels nothing', (lead) => {
    expect(firstBlock(lead, 'js', 'console.log(1)')?.file).toBeUndefined()
  })

  it('takes a backticked name whatever its case', () => {
    expect(firstBlock('`App.js`:', 'js', 'export default 1')?.file).toBe('App.js')
  })
})
