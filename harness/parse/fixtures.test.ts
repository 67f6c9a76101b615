/**
 * The reading fixtures: each folder under fixtures/reading/ holds one document written for the
 * project in a shape real Docker documents take, and `expected.json`, the reviewed reading of it
 * (what each block is, which file it holds, the commands, outputs, tables, references and
 * iterations). `LESSONPROOF_UPDATE_EXPECTED=1` rewrites the expected files from the parser, for review.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import type { Document } from '../model/index.js'
import { decodeDocument, parseDocument } from './index.js'

const ROOT = 'fixtures/reading'
const update = process.env.LESSONPROOF_UPDATE_EXPECTED === '1'

const scenarios = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => {
    const document = readdirSync(join(ROOT, d.name)).find((f) => f !== 'expected.json')
    return { scenario: d.name, path: join(ROOT, d.name, document ?? '') }
  })

/** What a reviewer checks of a reading: a projection of the Document without its raw text. */
function reading(doc: Document): unknown {
  return {
    frontmatter: {
      format: doc.frontmatterFormat,
      shape: doc.frontmatter?.shape,
      problems: doc.frontmatterProblems.map((p) => ({ line: p.line, key: p.key, message: p.message })),
      unreadable: doc.unreadable && { line: doc.unreadable.line, reason: doc.unreadable.reason },
    },
    problems: doc.problems.map((p) => ({ line: p.line, code: p.code })),
    readerSections: doc.headings.filter((h) => h.reader).map((h) => `${h.line} ${h.path.join(' > ')}`),
    blocks: doc.blocks.map((b) => ({
      line: b.line,
      lang: b.lang,
      kind: b.kind,
      file: b.file,
      via: b.fileVia,
      looksLike: b.looksLike,
      tab: b.tab && `${b.tab.group} ${b.tab.name}`,
      placeholder: b.placeholder,
      templates: b.templates?.map((t) => `${t.line} ${t.text}`),
    })),
    files: doc.files.map((f) => ({
      name: f.name,
      line: f.line,
      via: f.via,
      contentLine: f.contentLine,
      supersedes: f.supersedes,
      alternativeTo: f.alternativeTo,
    })),
    references: doc.references.map((r) => ({ name: r.name, line: r.line, kind: r.kind })),
    commands: doc.commands.map((c) => ({
      line: c.line,
      argv: c.argv.join(' '),
      prompt: c.prompt,
      inline: c.inline,
      shellRejects: c.shellRejects !== undefined || undefined,
      outputLine: c.outputLine,
    })),
    outputs: doc.outputs.map((o) => ({
      line: o.line,
      commandLine: o.commandLine,
      inline: o.inline,
      json: o.json !== undefined || undefined,
    })),
    tables: doc.tables
      .filter((t) => t.origin === 'output')
      .map((t) => ({
        line: t.line,
        kind: t.kind,
        rows: t.rows.map((r) => [r.line, ...r.cells].join(' | ')),
      })),
    iterations: doc.iterations.map((i) => ({
      line: i.line,
      tag: i.tag,
      dockerfile: i.dockerfile,
      version: i.files[i.dockerfile]?.line,
      reference: i.reference?.kind,
      replaces: i.replaces,
      rebuildOf: i.rebuildOf,
    })),
  }
}

it.each(scenarios)('fixtures/reading/$scenario is read as reviewed', ({ path }) => {
  const doc = parseDocument(path, decodeDocument(path, readFileSync(path)))
  const actual = JSON.parse(JSON.stringify(reading(doc)))
  const expectedPath = join(ROOT, path.split('/')[2] ?? '', 'expected.json')
  if (update) writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`)
  expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')))
})
