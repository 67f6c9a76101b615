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
  /**
   * Texts of the headings this one stands under, outermost first, ending with its own.
   * @example ["Try With AI: Docker Optimization", "Part 4: Test the Final Version"]
   */
  path: z.array(z.string()),
  /** Last line of its section: the line before the next heading of the same or a higher level. */
  endLine: z.number().int().positive(),
  /**
   * The section is the reader's own project ("Try With AI", an exercise, "Your turn"), decided by
   * this heading or any heading it stands under: builds there are not the lesson's iterations.
   */
  reader: z.boolean(),
})
export type Heading = z.infer<typeof Heading>

/** A paragraph, list item or other run of prose, as plain text. */
export const Prose = z.object({
  line: z.number().int().positive(),
  /** Plain text, inline markup removed, line breaks folded to a space. */
  text: z.string(),
  /** `frontmatter`: a string value in the frontmatter, read for claims but not part of the prose export. */
  kind: z.enum(['paragraph', 'list-item', 'heading', 'frontmatter']),
})
export type Prose = z.infer<typeof Prose>

/** How the document named the file a code block (or a shell command) holds. */
export const FileLabelVia = z.enum([
  /** `**File: Dockerfile**`, `**Dockerfile**`, a heading or a lead that is only the name. */
  'bold-file',
  /** "Create `X`:", "Create a file named `X`". */
  'create',
  /** "Open `X` and replace its contents with:". */
  'open',
  /** `# Dockerfile.v2` or `// file: src/app.ts` on the block's first line. */
  'comment',
  /** `**Application code** (main.py):`. */
  'application-code',
  /** An info-string attribute: `dockerfile {title=Dockerfile}`, `title="compose.yaml"`. */
  'attribute',
  /** A sentence that names the file: "the following Dockerfile:", "Paste the below into your Dockerfile". */
  'prose',
  /** No name given, but the block is a complete Dockerfile: the build context's `Dockerfile`. */
  'content',
  /** Written by a shell command: a heredoc (`cat > X <<EOF`), `echo … | tee X`, `printf … > X`. */
  'shell',
  /** A `diff` block applied to the version before it. */
  'diff',
])
export type FileLabelVia = z.infer<typeof FileLabelVia>

/** A tab of a tab group (Hugo `{{< tab >}}`, Docusaurus `<TabItem>`, `::::os-tabs`): alternatives, not versions. */
export const TabRef = z.object({
  /** Line where the tab group opens; blocks with the same group are alternatives of each other. */
  group: z.number().int().positive(),
  /** The tab's name as the reader sees it. @example "Using the official Docker image" */
  name: z.string(),
})
export type TabRef = z.infer<typeof TabRef>

/** Template syntax inside a file, which Docker would not read as written: `{{ .Var }}`, `<your-workspace>`. */
export const TemplateMark = z.object({
  line: z.number().int().positive(),
  /** The template text as written. @example "<your-workspace>" */
  text: z.string(),
  /** Go/Hugo/Jinja `{{ … }}` / `{% … %}`, or a placeholder for the reader to fill in (`<name>`, `[paste here]`). */
  syntax: z.enum(['template', 'placeholder']),
})
export type TemplateMark = z.infer<typeof TemplateMark>

/**
 * What a code block is:
 * `file` a complete version of a named file; `excerpt` a part of one (elided, or "add the following
 * line"); `diff` a change to a file; `commands` shell commands; `transcript` commands with their
 * output in the same fence; `output` what a command printed; `text` anything else (a prompt to an
 * AI, a directory tree, code that belongs to no file).
 */
export const BlockKind = z.enum(['file', 'excerpt', 'diff', 'commands', 'transcript', 'output', 'text'])
export type BlockKind = z.infer<typeof BlockKind>

/**
 * How an author tells the walk to treat a block, without it showing when rendered: an HTML
 * comment right before the block (`<!-- lessonproof: skip reason="needs a GPU" -->`) or the
 * info string's `lessonproof` attribute (```` ```bash {lessonproof=skip} ````).
 */
export const StepControls = z.object({
  /** Line of the comment, or of the fence for an info-string attribute. */
  line: z.number().int().positive(),
  /** The block is not run; the reason says why. @example "needs a GPU" */
  skip: z.string().optional(),
  /** The exit status the block's last command ends with. @default 0 */
  expectExit: z.number().int().min(0).max(255).optional(),
  /** Time limit of each command of the block, in seconds. */
  timeoutS: z.number().positive().optional(),
  /** The block serves in the foreground: started in the background, probed, and stopped when its section ends. */
  background: z.boolean().optional(),
  /** A loopback URL that answers once a background block is up. @example "http://localhost:8000/health" */
  probe: z.string().optional(),
  /** Words of the control that were not understood, each with why. */
  problems: z.array(z.string()).optional(),
})
export type StepControls = z.infer<typeof StepControls>

/** A code block (fenced or indented) with what lessonproof understood of it. */
export const CodeBlock = z.object({
  /** Line of the opening fence. */
  line: z.number().int().positive(),
  /** Line of the closing fence. */
  endLine: z.number().int().positive(),
  /**
   * The info string's language, lower-cased, with `{…}` and a leading `.` dropped: `'console'`,
   * `'term1'` for `.term1`; `''` when the fence has none.
   */
  lang: z.string(),
  /** The info string as written, trimmed. @example "dockerfile {collapse=true,title=Dockerfile}" */
  info: z.string(),
  /** `key=value` attributes of the info string. @example { title: "Dockerfile" } */
  attributes: z.record(z.string(), z.string()),
  /** Content between the fences, line ends normalised to `\n`. */
  value: z.string(),
  kind: BlockKind,
  /** The file this block holds (or is an excerpt of, or changes), when the document names one. */
  file: z.string().optional(),
  /** How the file name was found. */
  fileVia: FileLabelVia.optional(),
  /** What the content looks like, whatever the fence says. */
  looksLike: z.enum(['dockerfile', 'dockerfile-fragment', 'commands', 'transcript', 'json']).optional(),
  /** The block is shown as the output of a command (`kind` is `output`). */
  isOutput: z.boolean(),
  /** The block stands in for content the reader supplies ("[paste your Dockerfile here]"). */
  placeholder: z.boolean().optional(),
  /** Template syntax in a Dockerfile block: reported, not read as Docker syntax. */
  templates: z.array(TemplateMark).optional(),
  /** The tab this block is in. */
  tab: TabRef.optional(),
  /** Plain text of the prose just before the block (the label paragraph), for context. */
  lead: z.string(),
  /** Nearest heading above the block. */
  section: z.string(),
  /** The author's controls of the walk for this block. */
  controls: StepControls.optional(),
})
export type CodeBlock = z.infer<typeof CodeBlock>

/** One version of a file as the lesson defines it; a later block of the same file supersedes it. */
export const FileVersion = z.object({
  name: z.string(),
  /** Line of the block's opening fence, or of the shell command that writes the file. */
  line: z.number().int().positive(),
  content: z.string(),
  lang: z.string(),
  /** Line of the block this version replaces, when it is not the first. */
  supersedes: z.number().int().positive().optional(),
  /** How the document named the file. */
  via: FileLabelVia.optional(),
  /**
   * Line of the content's first line: `line + 1` for a fenced block; the command's own line for
   * `echo '…' | tee X`, where the content starts on the command line.
   */
  contentLine: z.number().int().positive().optional(),
  /** The tab this version is in: versions in other tabs of its group are alternatives. */
  tab: TabRef.optional(),
  /** Line of the version (in another tab of the same group) this one is an alternative to. */
  alternativeTo: z.number().int().positive().optional(),
  /** Template syntax the content holds. */
  templates: z.array(TemplateMark).optional(),
})
export type FileVersion = z.infer<typeof FileVersion>

/**
 * A file the document uses without showing it: a placeholder the reader fills in, a file from an
 * earlier lesson or from a cloned repository. A build of such a file cannot be checked here.
 */
export const FileReference = z.object({
  name: z.string(),
  /** Where the document refers to it: the placeholder, or the command that uses it. */
  line: z.number().int().positive(),
  /**
   * `placeholder`: content the reader fills in; `reader-project`: built in a section of the
   * reader's own project ("Try With AI", an exercise); `earlier-lesson`, `repository` (cloned, or
   * the one a README belongs to), `defined-later` (shown only after the build), `not-shown`.
   */
  kind: z.enum([
    'placeholder',
    'reader-project',
    'earlier-lesson',
    'repository',
    'defined-later',
    'not-shown',
  ]),
  /** Why, in words. @example "Dockerfile comes from an earlier lesson (line 96: \"…Lesson 3…\")" */
  reason: z.string(),
})
export type FileReference = z.infer<typeof FileReference>

/** A shell command taken from a shell block, a console transcript or a prose instruction. */
export const Command = z.object({
  line: z.number().int().positive(),
  /** The command as the reader would type it, `\` continuations joined, prompt dropped. */
  text: z.string(),
  /** argv as a POSIX shell would split it (no expansion). */
  argv: z.array(z.string()),
  /** Line of the output shown for this command, if any (see Output.line). */
  outputLine: z.number().int().positive().optional(),
  /** The prompt it was typed at in a transcript. @example "$" */
  prompt: z.string().optional(),
  /** Taken from inline code in prose ("Run `docker build -t x .`"). */
  inline: z.boolean().optional(),
  /** The shell would reject the command as written, and why (`Docker build`: commands are case-sensitive). */
  shellRejects: z.string().optional(),
})
export type Command = z.infer<typeof Command>

/** What a command printed, as the document shows it. */
export const Output = z.object({
  /** The line just before the output's first line: its opening fence, or its prompted command in a transcript. */
  line: z.number().int().positive(),
  text: z.string(),
  /** Line of the command it is the output of. */
  commandLine: z.number().int().positive().optional(),
  command: z.string().optional(),
  /** Shown in the same fence as its command (a console transcript). */
  inline: z.boolean().optional(),
  /** The output parsed as JSON (`docker image inspect`), when it is JSON. */
  json: z.unknown().optional(),
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
  /**
   * Column names. `docker images` tables of any layout (with or without a header, `--format`
   * `REPOSITORY TAG SIZE`, the newer `IMAGE ID DISK USAGE CONTENT SIZE`) are given the classic
   * header `REPOSITORY TAG IMAGE ID CREATED SIZE`, with `''` for a column the output does not have.
   */
  header: z.array(z.string()),
  rows: z.array(TableRow),
  /** Nearest heading above the table. */
  section: z.string(),
  /** For a command's output: the command. @example "docker images task-api:slim" */
  command: z.string().optional(),
  /** The output ends with `...`: rows were left out. */
  truncated: z.boolean().optional(),
  /** What printed it. */
  kind: z.enum(['images', 'history', 'format', 'ps', 'du', 'ls']).optional(),
  /** The header as printed, when `header` was normalised; `[]` when the output had none. */
  columns: z.array(z.string()).optional(),
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
  /** The Dockerfile is one the document does not show (placeholder, earlier lesson, repository). */
  reference: FileReference.optional(),
  /** Line of an earlier build of the same tag from another Dockerfile, which this one corrects. */
  replaces: z.number().int().positive().optional(),
})
export type Iteration = z.infer<typeof Iteration>

/** A course frontmatter key that is present but wrong: a failing claim at its line, not a refusal. */
export const FrontmatterProblem = z.object({
  /** Line of the key (or of the nested value) in the document. */
  line: z.number().int().positive(),
  /** Dotted path of the key. @example "learning_objectives.0.bloom_level" */
  key: z.string(),
  /** @example "frontmatter 'duration_minutes' must be a number" */
  message: z.string(),
  expected: z.string(),
  received: z.string(),
})
export type FrontmatterProblem = z.infer<typeof FrontmatterProblem>

/**
 * Why a document (or part of it) could not be read: its frontmatter does not parse, or its bytes
 * are not text in its encoding. The rest of the document is still read where it can be.
 */
export const Unreadable = z.object({
  line: z.number().int().positive(),
  what: z.enum(['frontmatter', 'encoding']),
  /** @example "frontmatter is not valid YAML: Nested mappings are not allowed in compact mappings" */
  reason: z.string(),
  expected: z.string(),
  received: z.string(),
})
export type Unreadable = z.infer<typeof Unreadable>

/** Something in the Markdown a reviewer would flag, which does not stop the document being read. */
export const DocumentProblem = z.object({
  line: z.number().int().positive(),
  code: z.enum(['empty', 'unclosed-fence', 'label-outside-project']),
  message: z.string(),
  expected: z.string(),
  received: z.string(),
})
export type DocumentProblem = z.infer<typeof DocumentProblem>

/** A parsed lesson document: everything later stages read, with source lines. */
export const Document = z.object({
  /** Path as given to lessonproof. */
  path: z.string(),
  role: DocumentRole,
  /** Path of the lesson this document belongs to (itself for a lesson). */
  lessonPath: z.string(),
  /** Frontmatter, tagged with its shape; absent when the document has none or it does not parse. */
  frontmatter: z.custom<import('./frontmatter.js').Frontmatter>().optional(),
  /** The frontmatter's language; `none` without frontmatter. */
  frontmatterFormat: z.enum(['yaml', 'toml', 'json', 'none']),
  /** Course keys that are present but wrong, each at its line. */
  frontmatterProblems: z.array(FrontmatterProblem),
  /** Set when the frontmatter does not parse or the bytes are not valid text; the body is read anyway. */
  unreadable: Unreadable.optional(),
  /** Markdown a reviewer would flag (an unclosed fence, a file label outside the project, an empty file). */
  problems: z.array(DocumentProblem),
  /** The document's lines (LF-normalised), for quoting claims. */
  lines: z.array(z.string()),
  /** Line of each top-level frontmatter key. */
  frontmatterLines: z.record(z.string(), z.number().int().positive()),
  /** Headings in order, each with its heading path and section end. */
  headings: z.array(Heading),
  prose: z.array(Prose),
  blocks: z.array(CodeBlock),
  files: z.array(FileVersion),
  /** Files the document uses without showing them. */
  references: z.array(FileReference),
  commands: z.array(Command),
  outputs: z.array(Output),
  tables: z.array(Table),
  iterations: z.array(Iteration),
})
export type Document = z.infer<typeof Document>
