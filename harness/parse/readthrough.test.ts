import { describe, expect, it } from 'vitest'
import { F } from '../testing.js'
import { parseDocument } from './document.js'
import { readThrough } from './readthrough.js'

const through = (text: string) => readThrough(text.split('\n'), text)

describe('readThrough', () => {
  it('leaves a document without site syntax untouched (the same array)', () => {
    const lines = ['# Doc', '', 'Prose.']
    expect(readThrough(lines, lines.join('\n')).lines).toBe(lines)
  })

  it('blanks the lines of admonitions, MDX, shortcodes and Liquid tags, keeping every line number', () => {
    const text = [
      "import Tabs from '@theme/Tabs';",
      '{/* a comment',
      '   over two lines */}',
      ':::tip Keep it small',
      'Prose in the tip.',
      ':::',
      '{{< youtube-embed abc123 >}}',
      '{% include note.html %}',
      '<!-- truncate -->',
      '> [!NOTE]',
      '> A note.',
    ].join('\n')
    expect(through(text).lines).toEqual([
      '',
      '',
      '',
      '',
      'Prose in the tip.',
      '',
      '',
      '',
      '<!-- truncate -->',
      '> ',
      '> A note.',
    ])
  })

  it('leaves code fences alone: template syntax inside a block stays', () => {
    const text = `${F}dockerfile\nFROM {{ .Base }}\n:::\n{% raw %}\n${F}\n:::note\n`
    expect(through(text).lines).toEqual([`${F}dockerfile`, 'FROM {{ .Base }}', ':::', '{% raw %}', F, '', ''])
  })

  it('turns Liquid and Hugo highlight tags into fences', () => {
    const text =
      '{% highlight bash %}\ndocker build .\n{% endhighlight %}\n{{< highlight dockerfile >}}\nFROM alpine\n{{< /highlight >}}'
    expect(through(text).lines).toEqual([
      '```bash',
      'docker build .',
      '```',
      '```dockerfile',
      'FROM alpine',
      '```',
    ])
  })

  it('records tabs of every kind, each with its group and name', () => {
    const text = [
      '{{< tabs >}}',
      '{{< tab name="Hardened" >}}',
      'a',
      '{{< /tab >}}',
      '{{< tab name="Official" >}}',
      'b',
      '{{< /tab >}}',
      '{{< /tabs >}}',
      '<Tabs groupId="os">',
      '<TabItem value="mac" label="macOS">',
      'c',
      '</TabItem>',
      '</Tabs>',
      '::::os-tabs',
      '::linux',
      'd',
      '::windows',
      'e',
      '::::',
      '=== "Debian"',
      '',
      '    f',
      '',
      '=== "Alpine"',
      '',
      '    g',
      '',
      'after',
    ].join('\n')
    const read = through(text)
    expect(read.tabs.map((t) => [t.group, t.name, t.start, t.end])).toEqual([
      [1, 'Hardened', 2, 4],
      [1, 'Official', 5, 7],
      [9, 'macOS', 10, 12],
      [14, 'linux', 15, 17],
      [14, 'windows', 17, 19],
      [20, 'Debian', 20, 24],
      [20, 'Alpine', 24, 27],
    ])
    // MkDocs tab bodies are dedented so Markdown reads them as it renders them.
    expect(read.lines.slice(19)).toEqual(['', '', 'f', '', '', '', 'g', '', 'after'])
  })
})

describe('documents read through site syntax', () => {
  it('reads prose and code inside admonitions, tabs and alerts as if they were not there', () => {
    const text = [
      '---',
      'title: Tabs',
      '---',
      '',
      ':::note',
      'Create a file named `Dockerfile`:',
      '',
      `${F}dockerfile`,
      'FROM alpine:3.19',
      'CMD ["echo", "hi"]',
      F,
      ':::',
      '',
      '> [!TIP]',
      '> Build it:',
      '>',
      `> ${F}console`,
      '> $ docker build -t hi .',
      `> ${F}`,
    ].join('\n')
    const doc = parseDocument('docs/x.mdx', text)
    expect(doc.blocks.map((b) => [b.line, b.kind, b.file])).toEqual([
      [8, 'file', 'Dockerfile'],
      [17, 'transcript', undefined],
    ])
    expect(doc.iterations).toMatchObject([{ line: 18, tag: 'hi', dockerfile: 'Dockerfile' }])
    expect(doc.prose.map((p) => p.text)).toEqual(['Create a file named Dockerfile:', 'Build it:'])
  })
})
