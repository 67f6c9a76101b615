/**
 * Reads through the site-generator syntax around a document's Markdown, so the prose and code
 * inside it are read as if it were not there: Docusaurus admonitions and directives (`:::tip`,
 * `::::os-tabs` with `::macos` tabs), MDX (`import`/`export` lines, `<Tabs>`/`<TabItem>`,
 * `{/* … *\/}`), Hugo shortcodes (`{{< tabs >}}`, `{{< tab name="…" >}}`, `{{< youtube … >}}`),
 * Jekyll/Liquid tags (`{% highlight bash %}` becomes a fence), MkDocs tabs and admonitions
 * (`=== "Tab"`, `!!! note`, their bodies dedented), and GitHub alerts (`> [!NOTE]`).
 *
 * Every line keeps its number: a construct's own lines become blank lines. Code fences are left
 * alone, so template syntax inside a block stays what it is. Tabs are recorded: their blocks are
 * alternatives of each other, not successive versions.
 */
import type { TabRef } from '../model/index.js'

/** A tab's lines: the blocks between `start` and `end` belong to it. */
export interface TabRegion extends TabRef {
  start: number
  end: number
}

export interface ReadThrough {
  /** The lines to give the Markdown parser. */
  lines: string[]
  tabs: TabRegion[]
}

/** Markers of the constructs this module handles; a document without one is passed through untouched. */
const MARKERS = [':::', '{{<', '{{%', '{%', '{/*', '[!', '===', '!!!', '???']
/** A line that starts with a JSX tag (`<Tabs>`) or an MDX `import`/`export`. */
const ANY = /(?:^|\n)\s*(?:<\/?[A-Z]|(?:import|export)\s)/

const FENCE = /^\s*(`{3,}|~{3,})/
const DIRECTIVE = /^\s*(:{3,})\s*([\w-]*)(.*)$/
const LEAF = /^\s*::([\w-]+)(?:\[([^\]]*)\])?(?:\{([^}]*)\})?\s*$/
const SHORTCODE = /^\s*\{\{([<%])\s*(\/?)\s*([\w-]+)(.*?)\s*[>%]\}\}\s*$/
const LIQUID = /^\s*\{%-?\s*(\w+)(.*?)-?%\}\s*$/
const JSX = /^\s*<(\/?)([A-Z][\w.]*)((?:\s[^>]*)?)(\/?)>\s*$/
const MDX_ESM =
  /^(?:import\s.+\sfrom\s+['"].+['"]|import\s+['"].+['"]|export\s+(?:const|let|default|function)\b.*);?\s*$/
const ALERT = /^(\s*(?:>\s*)+)\[!(\w+)\][+-]?\s*(.*)$/
const MKDOCS = /^(\s*)(===|!!!|\?\?\?\+?)\s+(?:(\w[\w-]*)\s*)?(?:"([^"]*)")?\s*$/

/** The name of a tab from its attributes: `name="…"`, `label="…"`, `title="…"`, `value="…"`, or a quoted word. */
function tabName(attributes: string): string {
  const named = /\b(?:name|label|title)\s*=\s*["']([^"']*)["']/.exec(attributes)?.[1]
  return (
    named ??
    /\bvalue\s*=\s*["']([^"']*)["']/.exec(attributes)?.[1] ??
    /["']([^"']*)["']/.exec(attributes)?.[1] ??
    attributes.trim()
  )
}

export function readThrough(input: string[], text: string): ReadThrough {
  if (!MARKERS.some((m) => text.includes(m)) && !ANY.test(text)) return { lines: input, tabs: [] }
  const lines = [...input]
  const tabs: TabRegion[] = []
  const groups: { line: number; kind: string }[] = []
  const directives: { colons: number; tabbed: boolean }[] = []
  let open: TabRegion | undefined
  let fence: { marker: string; converted: boolean } | undefined
  let comment: 'jsx' | 'liquid' | undefined
  /** MkDocs bodies indented under a tab or admonition: lines indented this far are dedented by 4. */
  const indents: number[] = []

  const closeTab = (line: number) => {
    if (open) {
      open.end = line
      tabs.push(open)
      open = undefined
    }
  }
  const startTab = (line: number, name: string) => {
    closeTab(line)
    const group = groups.at(-1)?.line ?? line
    open = { group, name, start: line, end: line }
  }

  for (let i = 0; i < lines.length; i++) {
    const n = i + 1
    let l = lines[i] ?? ''

    // MkDocs: a body indented under `=== "Tab"` or `!!! note` is Markdown once dedented.
    if (indents.length > 0 && l.trim() !== '') {
      const lead = /^\s*/.exec(l)?.[0].length ?? 0
      while (indents.length > 0 && lead < (indents.at(-1) ?? 0) + 4) {
        indents.pop()
        if (groups.at(-1)?.kind === 'mkdocs' && indents.length === 0 && !MKDOCS.test(l)) {
          closeTab(n - 1)
          groups.pop()
        }
      }
      if (indents.length > 0) {
        l = l.slice(4 * indents.length)
        lines[i] = l
      }
    }

    if (fence) {
      const close = FENCE.exec(l)
      if (close && (close[1] ?? '').startsWith(fence.marker) && l.trim() === close[1]) fence = undefined
      else if (fence.converted && (SHORTCODE.test(l) || LIQUID.test(l))) {
        lines[i] = '```'
        fence = undefined
      }
      continue
    }
    if (comment) {
      if ((comment === 'jsx' && l.includes('*/}')) || (comment === 'liquid' && /\{%-?\s*endcomment/.test(l)))
        comment = undefined
      lines[i] = ''
      continue
    }
    const opened = FENCE.exec(l)
    if (opened) {
      fence = { marker: opened[1] ?? '```', converted: false }
      continue
    }

    const alert = ALERT.exec(l)
    if (alert) {
      lines[i] = `${alert[1] ?? '>'}${alert[3] ?? ''}`
      continue
    }
    if (l.trimStart().startsWith('{/*')) {
      if (!l.includes('*/}')) comment = 'jsx'
      lines[i] = ''
      continue
    }
    if (MDX_ESM.test(l)) {
      lines[i] = ''
      continue
    }

    const mkdocs = MKDOCS.exec(l)
    if (mkdocs) {
      const indent = mkdocs[1]?.length ?? 0
      if (mkdocs[2] === '===') {
        if (groups.at(-1)?.kind !== 'mkdocs') groups.push({ line: n, kind: 'mkdocs' })
        startTab(n, mkdocs[4] ?? mkdocs[3] ?? '')
      }
      indents.push(indent)
      lines[i] = ''
      continue
    }

    const directive = DIRECTIVE.exec(l)
    if (directive) {
      const colons = directive[1]?.length ?? 3
      const name = directive[2] ?? ''
      if (name) {
        const tabbed = /tab/i.test(name)
        directives.push({ colons, tabbed })
        if (tabbed) groups.push({ line: n, kind: 'directive' })
      } else {
        const closing = directives.pop()
        if (closing?.tabbed) {
          closeTab(n)
          groups.pop()
        }
      }
      lines[i] = ''
      continue
    }
    const leaf = LEAF.exec(l)
    if (leaf && directives.at(-1)?.tabbed) {
      startTab(n, tabName(leaf[3] ?? '') || leaf[2] || leaf[1] || '')
      lines[i] = ''
      continue
    }

    const shortcode = SHORTCODE.exec(l)
    if (shortcode) {
      const closing = shortcode[2] === '/'
      const name = (shortcode[3] ?? '').toLowerCase()
      const args = shortcode[4] ?? ''
      if (name === 'highlight' && !closing) {
        lines[i] = `\`\`\`${args.trim().split(/\s+/)[0] ?? ''}`
        fence = { marker: '```', converted: true }
        continue
      }
      if (name === 'tabs') {
        if (closing) {
          closeTab(n)
          groups.pop()
        } else groups.push({ line: n, kind: 'shortcode' })
      } else if (name === 'tab') {
        if (closing) closeTab(n)
        else startTab(n, tabName(args))
      }
      lines[i] = ''
      continue
    }
    const liquid = LIQUID.exec(l)
    if (liquid) {
      const tag = (liquid[1] ?? '').toLowerCase()
      if (tag === 'highlight') {
        lines[i] = `\`\`\`${(liquid[2] ?? '').trim().split(/\s+/)[0] ?? ''}`
        fence = { marker: '```', converted: true }
        continue
      }
      if (tag === 'comment') comment = 'liquid'
      lines[i] = ''
      continue
    }

    const jsx = JSX.exec(l)
    if (jsx) {
      const closing = jsx[1] === '/'
      const name = jsx[2] ?? ''
      const selfClosing = jsx[4] === '/'
      if (/^Tabs$/i.test(name) && !selfClosing) {
        if (closing) {
          closeTab(n)
          groups.pop()
        } else groups.push({ line: n, kind: 'jsx' })
      } else if (/^Tab(Item)?$/i.test(name) && !selfClosing) {
        if (closing) closeTab(n)
        else startTab(n, tabName(jsx[3] ?? ''))
      }
      lines[i] = ''
    }
  }
  closeTab(lines.length)
  tabs.sort((a, b) => a.start - b.start)
  return { lines, tabs }
}

/** The tab a line is in, if any (the innermost when tabs nest). */
export function tabAt(tabs: TabRegion[], line: number): TabRef | undefined {
  let found: TabRegion | undefined
  for (const t of tabs) if (t.start <= line && line <= t.end) found = t
  return found ? { group: found.group, name: found.name } : undefined
}
