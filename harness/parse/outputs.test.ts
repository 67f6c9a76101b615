import { describe, expect, it } from 'vitest'
import { F } from '../testing.js'
import { outputTable } from './docker-output.js'
import { parseDocument } from './document.js'
import { isOutputLead } from './outputs.js'

describe('isOutputLead', () => {
  it.each([
    'Output:',
    '**Output (abbreviated):**',
    'Expected output (after the build finishes):',
    'Output: (when the dependencies install)',
    'You should see:',
    'You should see output like the following.',
    'The command prints a line for each layer, which outputs:',
    'Run it, and the result looks like this:',
    'Doing so will produce output like the following:',
    "You'll get output similar to the following:",
    "You'll then see output similar to the following in the container log:",
    'which gives',
  ])('%s', (lead) => {
    expect(isOutputLead(lead)).toBe(true)
  })

  it.each([
    'Create a file named `Dockerfile` with the following contents:',
    'Run the following command:',
    'Consider the following Dockerfile:',
    'Build the image:',
    'Here is the configuration:',
    'Show the running containers:',
    'Give nginx a config the same way:',
  ])('not %s', (lead) => {
    expect(isOutputLead(lead)).toBe(false)
  })
})

describe('outputs in a document', () => {
  it('reads output after a lead, in the command’s own fence, and in an unlabelled fence right after it', () => {
    const text = [
      '# Doc',
      '',
      `${F}console`,
      '$ docker images',
      '',
      'REPOSITORY   TAG      IMAGE ID       CREATED         SIZE',
      'web          latest   0123456789ab   2 minutes ago   12.3MB',
      F,
      '',
      `${F}term1`,
      'docker images | grep web',
      F,
      `${F}`,
      'docker images | grep web',
      'web          latest   0123456789ab   2 minutes ago   12.3MB',
      F,
      '',
      `${F}bash`,
      'docker image inspect web',
      F,
      '',
      '**Output (abbreviated):**',
      '',
      `${F}json`,
      '[{ "Id": "sha256:0123456789ab", "Size": 12345678 }]',
      F,
      '',
    ].join('\n')
    const doc = parseDocument('docs/x.md', text)
    expect(doc.outputs.map((o) => [o.line, o.commandLine, o.command, o.inline ?? false])).toEqual([
      [4, 4, 'docker images', true],
      [14, 11, 'docker images | grep web', false],
      [24, 19, 'docker image inspect web', false],
    ])
    expect(doc.outputs[2]?.json).toEqual([{ Id: 'sha256:0123456789ab', Size: 12345678 }])
    expect(doc.tables.map((t) => [t.kind, t.rows.map((r) => [r.line, r.cells[0], r.cells[4]])])).toEqual([
      ['images', [[7, 'web', '12.3MB']]],
      ['images', [[15, 'web', '12.3MB']]],
    ])
    expect(doc.commands.map((c) => [c.line, c.outputLine])).toEqual([
      [4, 4],
      [11, 14],
      [11, undefined],
      [19, 24],
    ])
  })

  it('attaches a prompted command repeated in an Output block to the command before it, not a new one', () => {
    const text = `# Doc\n\n${F}bash\ndocker run -d app\n${F}\n\n**Output:**\n\n${F}\n$ docker run -d app\n4f2a1c9d8e7b\n${F}\n`
    const doc = parseDocument('docs/x.md', text)
    expect(doc.commands.map((c) => [c.line, c.text, c.outputLine])).toEqual([[4, 'docker run -d app', 10]])
    expect(doc.outputs).toEqual([
      { line: 10, text: '4f2a1c9d8e7b', commandLine: 4, command: 'docker run -d app', inline: true },
    ])
  })
})

describe('outputTable', () => {
  const table = (command: string, ...lines: string[]) => outputTable(command, lines.join('\n'), 10, 'S')
  const cells = (command: string, ...lines: string[]) => table(command, ...lines)?.rows.map((r) => r.cells)

  it('reads docker images rows without a header, and rows a terminal wrapped', () => {
    expect(
      cells(
        'docker images | grep app',
        'app      sdk      131c782e8c35   30 second',
        's ago   692MB',
        'app      multi    44852229a1cc   2 minutes ago   10.3MB',
      ),
    ).toEqual([
      ['app', 'sdk', '131c782e8c35', '30 seconds ago', '692MB'],
      ['app', 'multi', '44852229a1cc', '2 minutes ago', '10.3MB'],
    ])
  })

  it('gives the classic header to REPOSITORY TAG SIZE tables and the newer DISK USAGE layout', () => {
    const format = table(
      'docker images --format "table {{.Repository}}\\t{{.Tag}}\\t{{.Size}}"',
      'REPOSITORY   TAG   SIZE',
      'app   slim   48.1MB',
    )
    expect(format).toMatchObject({
      kind: 'images',
      header: ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'],
      columns: ['REPOSITORY', 'TAG', 'SIZE'],
      rows: [{ line: 11, cells: ['app', 'slim', '', '', '48.1MB'] }],
    })
    expect(
      cells(
        'docker images',
        'IMAGE            ID             DISK USAGE   CONTENT SIZE   EXTRA',
        'app:1.0   99a1b925a8d6       11.6MB         2.45MB    U',
      ),
    ).toEqual([['app', '1.0', '99a1b925a8d6', '', '11.6MB', '2.45MB']])
  })

  it('keeps other --format tables as printed', () => {
    expect(
      table('docker images app --format "table {{.Tag}}\\t{{.Size}}"', 'TAG     SIZE', 'slim    48.1MB'),
    ).toMatchObject({
      kind: 'format',
      header: ['TAG', 'SIZE'],
      rows: [{ line: 11, cells: ['slim', '48.1MB'] }],
    })
  })

  it('reads docker history with a header a terminal wrapped, and a COMMENT column', () => {
    expect(
      cells(
        'docker history app',
        'IMAGE          CREATED          CREATED BY',
        '              SIZE      COMMENT',
        'f8b1953fb9c7   1 second ago     /bin/sh -c go build -o /app .   5.64MB',
        '<missing>      2 weeks ago      RUN /bin/sh -c apk add git      13.6MB    buildkit.dockerfile.v0',
      ),
    ).toEqual([
      ['f8b1953fb9c7', '1 second ago', '/bin/sh -c go build -o /app .', '5.64MB'],
      ['<missing>', '2 weeks ago', 'RUN /bin/sh -c apk add git', '13.6MB'],
    ])
  })

  it('reads docker ps by its columns, an empty PORTS cell included', () => {
    expect(
      cells(
        'docker ps -a',
        'CONTAINER ID   IMAGE     COMMAND            STATUS                     PORTS                    NAMES',
        'a7b8c9d0e1f2   web:1     "nginx -g …"       Up 5 seconds               0.0.0.0:8080->80/tcp     web',
        'b1c2d3e4f5a6   job:1     "python run.py"    Exited (0) 2 minutes ago                            job',
      ),
    ).toEqual([
      ['a7b8c9d0e1f2', 'web:1', '"nginx -g …"', 'Up 5 seconds', '0.0.0.0:8080->80/tcp', 'web'],
      ['b1c2d3e4f5a6', 'job:1', '"python run.py"', 'Exited (0) 2 minutes ago', '', 'job'],
    ])
  })

  it('reads du -sh and ls -l', () => {
    expect(table('du -sh build/app', '12M\tbuild/app')).toMatchObject({
      kind: 'du',
      rows: [{ cells: ['12M', 'build/app'] }],
    })
    expect(
      cells(
        'ls -lh dist',
        'total 8.1M',
        '-rwxr-xr-x 1 root root 8.1M Mar  3 10:12 server',
        'drwxr-xr-x 2 root root 4.0K Mar  3 10:12 static',
      ),
    ).toEqual([
      ['-rwxr-xr-x', '1', 'root', 'root', '8.1M', 'Mar 3 10:12', 'server'],
      ['drwxr-xr-x', '2', 'root', 'root', '4.0K', 'Mar 3 10:12', 'static'],
    ])
  })

  it('reads nothing from an output that is not a table', () => {
    expect(table('docker build -t app .', '[+] Building 1.2s (6/6) FINISHED')).toBeUndefined()
    expect(table('docker images', 'Error response from daemon: no such image')).toBeUndefined()
  })
})
