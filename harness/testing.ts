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
