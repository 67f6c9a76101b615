import { z } from 'zod'

/** A place in a lesson document: the path as given to lessonproof and a 1-based line. */
export const Source = z.object({
  /** Path of the document, as given on the command line (relative paths stay relative). */
  file: z.string(),
  /** 1-based line number in the document as written (CRLF and LF both count as one line end). */
  line: z.number().int().positive(),
})
export type Source = z.infer<typeof Source>

/**
 * What role a document plays for its lesson, from its file name:
 * `x.md` is the lesson, `x.earlier-revision.md` an earlier revision of it,
 * `x.summary.md` its summary card, `x.transcript.txt` a plain-text export of its prose.
 */
export const DocumentRole = z.enum(['lesson', 'earlier-revision', 'summary', 'transcript'])
export type DocumentRole = z.infer<typeof DocumentRole>

/** A markdown heading. */
export const Heading = z.object({
  line: z.number().int().positive(),
  /** 1 for `#`, 2 for `##`, … */
  depth: z.number().int().min(1).max(6),
  /** Plain text of the heading, inline markup removed. */
  text: z.string(),
})
export type Heading = z.infer<typeof Heading>

/** A paragraph, list item or other run of prose, as plain text. */
export const Prose = z.object({
  line: z.number().int().positive(),
  /** Plain text, inline markup removed, line breaks folded to a space. */
  text: z.string(),
  /** `frontmatter`: a string value in the YAML, read for claims but not part of the prose export. */
  kind: z.enum(['paragraph', 'list-item', 'heading', 'frontmatter']),
})
export type Prose = z.infer<typeof Prose>

/** How the prose named the file a code block belongs to. */
export const FileLabelVia = z.enum(['bold-file', 'create', 'open', 'comment', 'application-code'])

/** A code block (fenced) with what lessonproof understood of it. */
export const CodeBlock = z.object({
  /** Line of the opening fence. */
  line: z.number().int().positive(),
  /** Line of the closing fence. */
  endLine: z.number().int().positive(),
  /** Info string's first word, lower-cased; `''` when the fence has none. */
  lang: z.string(),
  /** Content between the fences, line ends normalised to `\n`. */
  value: z.string(),
  /** The file this block holds, when the prose names one. */
  file: z.string().optional(),
  /** How the file name was found. */
  fileVia: FileLabelVia.optional(),
  /** The block is shown as the output of the preceding command block. */
  isOutput: z.boolean(),
  /** Plain text of the prose just before the block (the label paragraph), for context. */
  lead: z.string(),
  /** Nearest heading above the block. */
  section: z.string(),
})
export type CodeBlock = z.infer<typeof CodeBlock>

/** One version of a file as the lesson defines it; a later block of the same file supersedes it. */
export const FileVersion = z.object({
  name: z.string(),
  line: z.number().int().positive(),
  content: z.string(),
  lang: z.string(),
  /** Line of the block this version replaces, when it is not the first. */
  supersedes: z.number().int().positive().optional(),
})
export type FileVersion = z.infer<typeof FileVersion>

/** A shell command taken from a shell block (continuation lines joined). */
export const Command = z.object({
  line: z.number().int().positive(),
  /** The command as the reader would type it, `\` continuations joined. */
  text: z.string(),
  /** argv as a POSIX shell would split it (no expansion). */
  argv: z.array(z.string()),
  /** Line of the output block shown for this command, if any. */
  outputLine: z.number().int().positive().optional(),
})
export type Command = z.infer<typeof Command>

/** A block shown as the output of a command. */
export const Output = z.object({
  line: z.number().int().positive(),
  text: z.string(),
  /** Line of the command it is the output of (the last command of the shell block before it). */
  commandLine: z.number().int().positive().optional(),
  command: z.string().optional(),
})
export type Output = z.infer<typeof Output>

/** A row of a table: its source line and its cells as plain text. */
export const TableRow = z.object({
  line: z.number().int().positive(),
  cells: z.array(z.string()),
})

/** A GFM table, or a whitespace-aligned table printed by a command (`docker images`). */
export const Table = z.object({
  line: z.number().int().positive(),
  origin: z.enum(['markdown', 'output']),
  header: z.array(z.string()),
  rows: z.array(TableRow),
  /** Nearest heading above the table. */
  section: z.string(),
  /** For a command's output: the command. @example "docker images task-api:slim" */
  command: z.string().optional(),
  /** The output ends with `...`: rows were left out. */
  truncated: z.boolean().optional(),
})
export type Table = z.infer<typeof Table>

/** One Dockerfile iteration: a build the lesson shows, with the files as they stand at that point. */
export const Iteration = z.object({
  /** Index in lesson order, from 0. */
  index: z.number().int().nonnegative(),
  /** Line of the `docker build` command. */
  line: z.number().int().positive(),
  /** Dockerfile name given with `-f` (default `Dockerfile`). */
  dockerfile: z.string(),
  /** Image reference given with `-t`, e.g. `task-api:slim`. */
  tag: z.string(),
  /** A short human name: the image tag, e.g. `slim`. */
  name: z.string(),
  /** The section heading the build is shown under. */
  section: z.string(),
  /** Every file defined so far, latest version of each, by name. */
  files: z.record(z.string(), FileVersion),
  /** `--target STAGE`: the stage built, when not the last. */
  target: z.string().optional(),
  /**
   * The index of an earlier iteration this build repeats: the same tag, Dockerfile, target and
   * files. The lesson shows a rebuild (its log CACHED): it is built again after that one.
   */
  rebuildOf: z.number().int().nonnegative().optional(),
})
export type Iteration = z.infer<typeof Iteration>

/** A parsed lesson document: everything later stages read, with source lines. */
export const Document = z.object({
  /** Path as given to lessonproof. */
  path: z.string(),
  role: DocumentRole,
  /** Path of the lesson this document belongs to (itself for a lesson). */
  lessonPath: z.string(),
  /** Frontmatter, tagged with its shape; absent on summary cards and plain-text exports. */
  frontmatter: z.custom<import('./frontmatter.js').Frontmatter>().optional(),
  /** The document's lines (LF-normalised), for quoting claims. */
  lines: z.array(z.string()),
  /** Line of each top-level frontmatter key. */
  frontmatterLines: z.record(z.string(), z.number().int().positive()),
  headings: z.array(Heading),
  prose: z.array(Prose),
  blocks: z.array(CodeBlock),
  files: z.array(FileVersion),
  commands: z.array(Command),
  outputs: z.array(Output),
  tables: z.array(Table),
  iterations: z.array(Iteration),
})
export type Document = z.infer<typeof Document>
