import type { DocumentProblem, FileLabelVia, FileVersion, TabRef, TemplateMark } from '../model/index.js'
import type { Lead, RawBlock } from './markdown.js'

/** A file-name-like token: `main.py`, `Dockerfile.v1-slim`, `app/config.yaml`, `Dockerfile`, `.dockerignore`. */
const NAME = String.raw`(?:[\w./-]*\.[\w-]+|[\w./-]*(?:Docker|Container)file[\w.-]*|[\w./-]*Makefile)`
/**
 * In a bold or backticked label, also a path that leaves the project (`/etc/passwd`, `~/x`,
 * `../secret`), even without an extension, so checkName can report it instead of ignoring the label.
 */
const LABEL_NAME = String.raw`(?:${NAME}|(?:~|\.\.)?/[\w./-]+)`
/** A file-like name anywhere in a text. */
const ANY_NAME = new RegExp(NAME)
/** A file name as an info-string attribute gives it. */
const TITLE = new RegExp(`^${LABEL_NAME}$`)
/** A name as prose writes it: in backticks, underlined, bold, or bare. */
const MARKED = String.raw`[\x60_*]{0,2}(${NAME})[\x60_*]{0,2}`
const MARKED_NAME = new RegExp(MARKED)

/**
 * A name written without backticks that is a file: a Dockerfile, a path, a dotfile, or a
 * lower-case name with a file's extension. "Node.js" and "ASP.NET" are names of technologies.
 */
function plausibleName(name: string): boolean {
  return (
    /(?:Docker|Container)file|Makefile|\/|^\.[\w.-]+$/.test(name) ||
    /^[a-z0-9_][\w.-]*\.(?:py|js|mjs|cjs|ts|tsx|jsx|go|rs|java|kt|rb|php|cs|c|h|cpp|sh|bash|ps1|ya?ml|json|toml|ini|cfg|conf|env|txt|md|lock|xml|html|css|sql|gradle|properties|mod|sum)$/.test(
      name,
    )
  )
}

const LABELS: { via: FileLabelVia; source: 'lead' | 'first-line'; pattern: RegExp; bare?: boolean }[] = [
  // **File: Dockerfile.naive**  (a parenthetical after the name is a note, not part of it)
  {
    via: 'bold-file',
    source: 'lead',
    pattern: new RegExp(String.raw`^\*\*File:\s*\x60?(${LABEL_NAME})\x60?[^*]*\*\*\s*:?\s*$`, 'i'),
  },
  // **Dockerfile**   `compose.yaml`:   Dockerfile:   (a lead that is only the name)
  {
    via: 'bold-file',
    source: 'lead',
    pattern: new RegExp(String.raw`^(?:\*\*|__)?\x60?(${NAME})\x60?(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*$`),
    bare: true,
  },
  // Create `Dockerfile.naive`:   Create a file named `Dockerfile` …   Create a new file called `app.py`
  {
    via: 'create',
    source: 'lead',
    pattern: new RegExp(
      String.raw`\bCreate\s+(?:a\s+)?(?:new\s+)?(?:file\s+)?(?:(?:named|called)\s+)?\x60(${LABEL_NAME})\x60`,
      'i',
    ),
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

/**
 * Sentences that name the file the block holds: "Paste the below into your _Dockerfile_",
 * "save it as `app.py`", "you should have the following Dockerfile:", "a Dockerfile like the
 * following". They apply to blocks that are not shell commands.
 */
const PROSE_LABELS: RegExp[] = [
  new RegExp(
    String.raw`\b(?:paste|save|write|put|copy|place|add)\b[^.:]*?\b(?:as|to|into|in)\s+(?:(?:your|the|a)\s+)?(?:new\s+)?(?:file\s+)?(?:(?:named|called)\s+)?${MARKED}`,
    'i',
  ),
  new RegExp(
    String.raw`\b(?:following|this|your|updated|new|complete|final|resulting|finished)\s+(?:[\w-]+\s+){0,2}?${MARKED}(?:\s+file)?(?:\s*\([^)]*\))?\s*(?::|$|\s+(?:uses|looks|is|contains|should|with))`,
    'i',
  ),
  new RegExp(
    String.raw`\b(?:a|an)\s+${MARKED}\s+(?:like|similar\s+to)\s+(?:the\s+following|this|below)`,
    'i',
  ),
  new RegExp(String.raw`${MARKED}\s+(?:should\s+)?(?:now\s+)?looks?\s+like`, 'i'),
  // Here is our app's Dockerfile:   Here's the compose.yaml:
  new RegExp(String.raw`\bhere(?:'s|\s+is|\s+are)\s+(?:[\w'-]+\s+){0,3}?${MARKED}\s*:?\s*$`, 'i'),
]

/** "add the following line", "append", "insert": the block is a part of the file, not all of it. */
const ADDS =
  /\b(?:add|adding|append|appending|insert|inserting)\b[^.]*\b(?:following|these|this|lines?|below|instruction)\b/i

/** A label the block carries, or a problem with it. */
export interface Label {
  name: string
  via: FileLabelVia
  /** The lead says the block adds to the file ("add the following line"). */
  adds: boolean
}

/** What the prose before a block says about the file it holds. */
export function fileLabel(
  raw: RawBlock,
  problems: DocumentProblem[],
  options: { shell: boolean },
): Label | undefined {
  const adds = ADDS.test(raw.lead)
  const title = raw.attributes.title ?? raw.attributes.file ?? raw.attributes.filename
  if (title && TITLE.test(title)) {
    const name = checked(title, raw.line, problems)
    return name ? { name, via: 'attribute', adds } : undefined
  }
  const tryLead = (lead: Lead | undefined, firstLine: boolean): Label | undefined => {
    for (const label of LABELS) {
      if (label.source === 'first-line' && !firstLine) continue
      const text = label.source === 'lead' ? (lead?.source.trim() ?? '') : (raw.value.split('\n')[0] ?? '')
      const name = label.pattern.exec(text)?.[1]
      if (!name) continue
      // A bare bold word ("**Node.js**") names a technology, not a file; a backticked one is a file.
      if (label.bare && !text.includes('\x60') && !plausibleName(name)) continue
      const checkedName = checked(
        name,
        label.source === 'lead' ? (lead?.line ?? raw.line) : raw.line + 1,
        problems,
      )
      return checkedName ? { name: checkedName, via: label.via, adds } : undefined
    }
    return undefined
  }
  const immediate: Lead | undefined = raw.leadSource
    ? { text: raw.lead, source: raw.leadSource, line: raw.leadLine }
    : raw.heading !== undefined
      ? { text: raw.heading, source: raw.heading, line: raw.leadLine }
      : undefined
  const found = tryLead(immediate, true)
  if (found) return found
  // A short note between the label and its fence ("(Same as Lesson 3)") does not cut them apart.
  if (raw.earlier && raw.lead.length <= 60 && !ANY_NAME.test(raw.lead)) {
    const earlier = tryLead(raw.earlier, false)
    if (earlier) return earlier
  }
  // Prose labels name a file: without a file-like word in the lead there is nothing to find.
  if (options.shell || !ANY_NAME.test(raw.lead)) return undefined
  for (const pattern of PROSE_LABELS) {
    const name = pattern.exec(raw.lead)?.[1]
    if (name && plausibleName(name)) {
      const checkedName = checked(name, raw.leadLine, problems)
      return checkedName ? { name: checkedName, via: 'prose', adds } : undefined
    }
  }
  if (adds) {
    const named = MARKED_NAME.exec(raw.lead)?.[1]
    if (named && /(?:Docker|Container)file/.test(named))
      return { name: named.replace(/\.+$/, ''), via: 'prose', adds }
  }
  return undefined
}

/** A label must name a file inside the lesson's project: relative, without `..`; else it is reported. */
function checked(name: string, line: number, problems: DocumentProblem[]): string | undefined {
  const absolute = name.startsWith('/') || name.startsWith('~') || /^[A-Za-z]:[\\/]/.test(name)
  if (absolute || name.split(/[\\/]/).includes('..')) {
    problems.push({
      line,
      code: 'label-outside-project',
      message: `file label '${name}' points outside the lesson's project`,
      expected: 'a relative path inside the project, such as `main.py` or `app/Dockerfile`',
      received: name,
    })
    return undefined
  }
  // A sentence's full stop is not part of the name ("… into your Dockerfile.").
  return name.replace(/^\.\//, '').replace(/\.+$/, '')
}

/** A block that elides part of a file (`# ... rest same ...`) shows it, but is not a version of it. */
export function isExcerpt(value: string): boolean {
  return value.split('\n').some((l) => /^\s*(?:#|\/\/)?\s*(?:\.\.\.|…)/.test(l))
}

const KEYWORDS = new Set(
  'FROM RUN COPY ADD ENV ARG WORKDIR CMD ENTRYPOINT EXPOSE USER LABEL VOLUME HEALTHCHECK SHELL STOPSIGNAL ONBUILD MAINTAINER'.split(
    ' ',
  ),
)
const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][\w-]*)\1/

/**
 * Whether a block is Dockerfile: `complete` when its first instruction is FROM or ARG, it has a
 * FROM and more than one instruction, `fragment` when every line is an instruction but it does not start a build. Instructions
 * must be upper-case unless the fence says `dockerfile` (prose and AI prompts are not Dockerfiles).
 */
export function dockerfileShape(value: string, anyCase: boolean): 'complete' | 'fragment' | undefined {
  let first: string | undefined
  let from = false
  let count = 0
  let continued = false
  let heredoc: string | undefined
  for (const line of value.split('\n')) {
    const t = line.trim()
    if (heredoc !== undefined) {
      if (t === heredoc) heredoc = undefined
      continue
    }
    if (continued) {
      if (!t.startsWith('#')) continued = t.endsWith('\\')
      continue
    }
    if (t === '' || t.startsWith('#') || /^(?:\.\.\.|…)/.test(t)) continue
    const word = /^[A-Za-z]+/.exec(t)?.[0] ?? ''
    const keyword = word.toUpperCase()
    if (!KEYWORDS.has(keyword) || (!anyCase && word !== keyword) || !/^[A-Za-z]+(?:\s|$)/.test(t))
      return undefined
    first ??= keyword
    count++
    if (keyword === 'FROM') from = true
    continued = t.endsWith('\\')
    heredoc = HEREDOC.exec(t)?.[2]
  }
  if (!first) return undefined
  // One instruction alone ("add the line `FROM …`", "for example: `FROM …`") shows a line, not a build.
  return (first === 'FROM' || first === 'ARG') && from && count >= 2 ? 'complete' : 'fragment'
}

/** `{{ .Var }}`, `{% … %}`: template syntax; `<your-workspace>`, `[paste here]`: placeholders for the reader. */
export function templateMarks(value: string, contentLine: number): TemplateMark[] {
  const marks: TemplateMark[] = []
  if (
    !value.includes('{{') &&
    !value.includes('{%') &&
    !value.includes('<') &&
    !value.includes('\n[') &&
    !value.startsWith('[')
  )
    return marks
  value.split('\n').forEach((l, i) => {
    const line = contentLine + i
    for (const m of l.matchAll(/\{\{-?[^}]*-?\}\}|\{%-?[^%]*-?%\}/g))
      marks.push({ line, text: m[0], syntax: 'template' })
    for (const m of l.matchAll(/(?<!<)<(?:(?:your|my|the)[\w-]*(?:[ -][\w-]+)*|[a-z]+(?:[-_][a-z]+)+)>/gi))
      marks.push({ line, text: m[0], syntax: 'placeholder' })
    const bracket = /^\s*(\[[^\]]+\])\s*$/.exec(l)?.[1]
    if (bracket) marks.push({ line, text: bracket, syntax: 'placeholder' })
  })
  return marks
}

/** The file a `diff` block changes, from its `+++ b/X` / `--- a/X` header. */
export function diffTarget(value: string): string | undefined {
  const header = /^(?:\+\+\+|---)\s+(?:[ab]\/)?(\S+)/m.exec(value)?.[1]
  return header && header !== '/dev/null' ? header : undefined
}

/**
 * Applies a diff block to the file it changes. Hunks are matched by their context and removed
 * lines, so hand-written diffs without `@@` headers work too; undefined when a hunk does not
 * match the base exactly once (the block is then an excerpt, not a version).
 */
export function applyDiff(base: string, diff: string): string | undefined {
  const hunks: string[][] = [[]]
  for (const l of diff.split('\n')) {
    if (/^(?:diff --git|index\s|---\s|\+\+\+\s)/.test(l)) continue
    if (/^@@/.test(l) || /^\s*(?:\.\.\.|…)\s*$/.test(l)) hunks.push([])
    else hunks.at(-1)?.push(l)
  }
  let lines = base.split('\n')
  for (const hunk of hunks.filter((h) => h.some((l) => /^[+-]/.test(l)))) {
    const before: string[] = []
    const after: string[] = []
    for (const l of hunk) {
      const mark = l[0]
      const body = mark === '+' || mark === '-' || mark === ' ' ? l.slice(1) : l
      if (mark !== '+') before.push(body)
      if (mark !== '-') after.push(body)
    }
    while (before.length > 0 && before[0]?.trim() === '' && after[0]?.trim() === '') {
      before.shift()
      after.shift()
    }
    if (before.length === 0) return undefined
    const same = (a: string, b: string) => a.trimEnd() === b.trimEnd()
    const at: number[] = []
    for (let i = 0; i + before.length <= lines.length; i++)
      if (before.every((b, k) => same(b, lines[i + k] ?? ''))) at.push(i)
    if (at.length !== 1) return undefined
    const start = at[0] ?? 0
    lines = [...lines.slice(0, start), ...after, ...lines.slice(start + before.length)]
  }
  return lines.join('\n')
}

/** Something that sets a file's content at a line: a block, a shell command, an applied diff. */
export interface FileEvent {
  name: string
  line: number
  content: string
  contentLine: number
  lang: string
  via: FileLabelVia
  /** `>>`: the content is added to the end of the file's latest version. */
  append?: boolean
  /** A diff to apply to the latest version. */
  diff?: boolean
  tab?: TabRef
  templates?: TemplateMark[]
}

/**
 * Every version of every file, in document order; each supersedes the one before, except that a
 * version in another tab of the same group is an alternative to it. Appends and diffs make a new
 * version from the latest one; one without a base is left out (it shows only a part).
 */
export function versionsOf(events: FileEvent[]): FileVersion[] {
  const latest = new Map<string, FileVersion>()
  const versions: FileVersion[] = []
  for (const event of [...events].sort((a, b) => a.line - b.line)) {
    const previous = latest.get(event.name)
    let content = event.content
    if (event.append || event.diff) {
      if (!previous) continue
      const applied = event.diff
        ? applyDiff(previous.content, event.content)
        : `${previous.content}\n${content}`
      if (applied === undefined) continue
      content = applied
    }
    const version: FileVersion = {
      name: event.name,
      line: event.line,
      content,
      lang: event.lang,
      via: event.via,
      contentLine: event.contentLine,
    }
    if (event.tab) version.tab = event.tab
    if (event.templates && event.templates.length > 0) version.templates = event.templates
    const alternative =
      previous?.tab &&
      event.tab &&
      previous.tab.group === event.tab.group &&
      previous.tab.name !== event.tab.name
    if (alternative && previous) {
      // The first tab's version stays the file's version; this one is an alternative to it.
      version.alternativeTo = previous.alternativeTo ?? previous.line
      versions.push(version)
      continue
    }
    if (previous) version.supersedes = previous.line
    latest.set(event.name, version)
    versions.push(version)
  }
  return versions
}

/** The files as they stand just before `line`: the latest version of each (alternatives in other tabs aside). */
export function filesAt(versions: FileVersion[], line: number): Record<string, FileVersion> {
  const files: Record<string, FileVersion> = {}
  for (const v of versions) if (v.line < line && v.alternativeTo === undefined) files[v.name] = v
  return files
}
