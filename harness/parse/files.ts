import { DocumentError } from '../errors.js'
import type { CodeBlock, FileVersion } from '../model/index.js'
import type { RawBlock } from './markdown.js'

type Via = NonNullable<CodeBlock['fileVia']>

/** A file-name-like token: `main.py`, `Dockerfile.v1-slim`, `app/config.yaml`, `Dockerfile`. */
const NAME = String.raw`(?:[\w./-]*\.[\w-]+|[\w./-]*Dockerfile[\w.-]*|[\w./-]*Makefile)`
/**
 * In a bold or backticked label, also a path that leaves the project (`/etc/passwd`, `~/x`,
 * `../secret`), even without an extension, so checkName can refuse it instead of ignoring the label.
 */
const LABEL_NAME = String.raw`(?:${NAME}|(?:~|\.\.)?/[\w./-]+)`

const LABELS: { via: Via; source: 'lead' | 'first-line'; pattern: RegExp }[] = [
  // **File: Dockerfile.naive**  (a parenthetical after the name is a note, not part of it)
  {
    via: 'bold-file',
    source: 'lead',
    pattern: new RegExp(String.raw`^\*\*File:\s*(${LABEL_NAME})[^*]*\*\*\s*:?\s*$`, 'i'),
  },
  // Create `Dockerfile.naive`:
  {
    via: 'create',
    source: 'lead',
    pattern: new RegExp(String.raw`\bCreate\s+(?:a\s+file\s+)?\x60(${LABEL_NAME})\x60`, 'i'),
  },
  // Open `main.py` and replace its contents with:
  { via: 'open', source: 'lead', pattern: new RegExp(String.raw`\bOpen\s+\x60(${LABEL_NAME})\x60`, 'i') },
  // **Application code** (main.py):
  { via: 'application-code', source: 'lead', pattern: new RegExp(String.raw`\((${NAME})\)\s*:\s*$`) },
  // # Dockerfile.naive   or   // file: src/app.ts   on the block's first line
  {
    via: 'comment',
    source: 'first-line',
    pattern: new RegExp(String.raw`^\s*(?:#|//)\s*(?:file:\s*)?(${NAME})\s*$`, 'i'),
  },
]

/** The file a block belongs to, when its label paragraph or first-line comment names one. */
export function fileLabel(file: string, block: RawBlock): { name: string; via: Via } | undefined {
  for (const label of LABELS) {
    const text = label.source === 'lead' ? block.leadSource.trim() : (block.value.split('\n')[0] ?? '')
    const match = label.pattern.exec(text)
    const name = match?.[1]
    if (!name) continue
    checkName(file, label.source === 'lead' ? block.leadLine : block.line + 1, name)
    return { name: name.replace(/^\.\//, ''), via: label.via }
  }
  return undefined
}

/** A label must name a file inside the lesson's project: relative, without `..`. */
function checkName(file: string, line: number, name: string): void {
  const absolute = name.startsWith('/') || name.startsWith('~') || /^[A-Za-z]:[\\/]/.test(name)
  if (absolute || name.split(/[\\/]/).includes('..')) {
    throw new DocumentError({
      file,
      line,
      reason: `file label '${name}' points outside the lesson's project`,
      expected: 'a relative path inside the project, such as `main.py` or `app/Dockerfile`',
      received: name,
    })
  }
}

/** A block that elides part of a file (`# ... rest same ...`) shows it, but is not a version of it. */
export function isExcerpt(value: string): boolean {
  return value.split('\n').some((l) => /^\s*(?:#|\/\/)?\s*(?:\.\.\.|…)/.test(l))
}

/** Every complete version of every labelled file, in lesson order; each supersedes the one before. */
export function fileVersions(blocks: CodeBlock[]): FileVersion[] {
  const latest = new Map<string, FileVersion>()
  const versions: FileVersion[] = []
  for (const block of blocks) {
    if (!block.file || isExcerpt(block.value)) continue
    const version: FileVersion = {
      name: block.file,
      line: block.line,
      content: block.value,
      lang: block.lang,
    }
    const previous = latest.get(block.file)
    if (previous) version.supersedes = previous.line
    latest.set(block.file, version)
    versions.push(version)
  }
  return versions
}

/** The files as they stand just before `line`: the latest version of each. */
export function filesAt(versions: FileVersion[], line: number): Record<string, FileVersion> {
  const files: Record<string, FileVersion> = {}
  for (const v of versions) if (v.line < line) files[v.name] = v
  return files
}
