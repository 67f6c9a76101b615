/**
 * Docker's formats as the walk prints them. The expected texts are what the Docker 20.10 CLI
 * (/usr/bin/docker, 20.10.24+dfsg1) printed on this project's machines on 2026-11-26 for the same
 * data, pasted as printed.
 */
import { describe, expect, it } from 'vitest'
import {
  displayPorts,
  ellipsis,
  formatRows,
  goJson,
  goTemplate,
  humanDuration,
  TemplateError,
  tabwriter,
} from './format.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

describe('humanDuration, as go-units words it', () => {
  it.each([
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [S, '1 second'],
    [59 * S + 999, '59 seconds'],
    [M, 'About a minute'],
    [2 * M - 1, 'About a minute'],
    [2 * M, '2 minutes'],
    [59 * M, '59 minutes'],
    [H, 'About an hour'],
    // Hours round half up: 90 minutes is 2 hours.
    [90 * M, '2 hours'],
    [47 * H, '47 hours'],
    [2 * D, '2 days'],
    [13 * D, '13 days'],
    [14 * D, '2 weeks'],
    [59 * D, '8 weeks'],
    [60 * D, '2 months'],
    [729 * D, '24 months'],
    [730 * D, '2 years'],
  ])('%i ms is "%s"', (ms, words) => {
    expect(humanDuration(ms)).toBe(words)
  })
})

describe('ellipsis', () => {
  it('cuts to the width with "…" as the last character, as docker ps cuts COMMAND', () => {
    expect(ellipsis("sh -c 'echo a rather long command line here'", 20)).toBe("sh -c 'echo a rathe…")
    expect([...ellipsis("sh -c 'echo a rather long command line here'", 20)]).toHaveLength(20)
  })

  it('leaves text that fits as it is', () => {
    expect(ellipsis('server', 20)).toBe('server')
    expect(ellipsis('x'.repeat(20), 20)).toBe('x'.repeat(20))
  })
})

describe('tabwriter and table formats', () => {
  it('lays out a --format table as the CLI does: columns at least 10 wide, 3 spaces apart, the last unpadded', () => {
    // docker images --format 'table {{.Repository}}\t{{.Tag}}\t{{.Size}}' debian
    const rows = [
      { Repository: 'debian', Tag: 'bookworm-slim', Size: '74.8MB' },
      { Repository: 'debian', Tag: 'bookworm', Size: '117MB' },
    ]
    expect(formatRows('table {{.Repository}}\\t{{.Tag}}\\t{{.Size}}', rows)).toBe(
      [
        'REPOSITORY   TAG             SIZE',
        'debian       bookworm-slim   74.8MB',
        'debian       bookworm        117MB',
        '',
      ].join('\n'),
    )
  })

  it("prints docker images' default table, with the header its command gives ID", () => {
    const rows = [
      {
        Repository: 'health-app',
        Tag: '1.0',
        ID: '8bed79b0a57c',
        CreatedSince: '1 second ago',
        Size: '75.6MB',
      },
    ]
    const format = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    expect(formatRows(format, rows, { ID: 'IMAGE ID' })).toBe(
      [
        'REPOSITORY   TAG       IMAGE ID       CREATED        SIZE',
        'health-app   1.0       8bed79b0a57c   1 second ago   75.6MB',
        '',
      ].join('\n'),
    )
    // No image: the header alone (docker images of a repository that has none).
    expect(formatRows(format, [], { ID: 'IMAGE ID' })).toBe(
      'REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n',
    )
  })

  it("prints docker ps's empty table as the CLI does", () => {
    const format =
      'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}'
    expect(formatRows(format, [], { ID: 'CONTAINER ID' })).toBe(
      'CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n',
    )
  })

  it('pads an empty cell to its column, and counts "…" as one character', () => {
    // docker ps -a --format 'table {{.Names}}\t{{.Command}}\t{{.Ports}}\t{{.Labels}}'
    const row = {
      Names: 'walk2fmt-a',
      Command: JSON.stringify(ellipsis("sh -c 'echo a rather long command line here'", 20)),
      Ports: '',
      Labels: 'app=demo',
    }
    expect(formatRows('table {{.Names}}\\t{{.Command}}\\t{{.Ports}}\\t{{.Labels}}', [row])).toBe(
      [
        'NAMES        COMMAND                  PORTS     LABELS',
        `walk2fmt-a   "sh -c 'echo a rathe…"             app=demo`,
        '',
      ].join('\n'),
    )
  })

  it('prints a format that is not a table once per row, without a header', () => {
    expect(formatRows('{{.Repository}}:{{.Tag}}', [{ Repository: 'app', Tag: 'v1' }])).toBe('app:v1\n')
  })

  it('lays out cells of any width: the widest cell and 3 spaces', () => {
    expect(
      tabwriter([
        ['a', 'b'],
        ['long cell here', 'c'],
      ]),
    ).toBe(`a${' '.repeat(16)}b\nlong cell here   c\n`)
  })
})

describe('displayPorts', () => {
  const map = (hostIp: string, hostPort: number, containerPort: number, proto = 'tcp') => ({
    hostIp,
    hostPort,
    containerPort,
    proto,
  })

  it('puts exposed ports first and mappings to another port after, by container port', () => {
    // docker run -d -p 127.0.0.1:8081:80 -p 9090:90 --expose 7000 … (an engine whose default
    // bind address is 127.0.0.1), then docker ps --format '{{.Ports}}'
    expect(displayPorts([map('127.0.0.1', 8081, 80), map('127.0.0.1', 9090, 90)], ['7000/tcp'])).toBe(
      '7000/tcp, 127.0.0.1:8081->80/tcp, 127.0.0.1:9090->90/tcp',
    )
  })

  it('shows a publish on all interfaces with its IPv6 twin, as 20.10 prints it', () => {
    expect(displayPorts([map('', 8080, 8080)], ['8080/tcp'])).toBe(
      '0.0.0.0:8080->8080/tcp, :::8080->8080/tcp',
    )
    expect(displayPorts([map('', 8000, 80)], [])).toBe('0.0.0.0:8000->80/tcp, :::8000->80/tcp')
  })

  it('shows consecutive ports as a range', () => {
    expect(displayPorts([], ['8000/tcp', '8001/tcp', '8003/tcp'])).toBe('8000-8001/tcp, 8003/tcp')
    expect(displayPorts([map('127.0.0.1', 8000, 8000), map('127.0.0.1', 8001, 8001)], [])).toBe(
      '127.0.0.1:8000-8001->8000-8001/tcp',
    )
  })

  it('is empty for a container with no ports', () => {
    expect(displayPorts([], [])).toBe('')
  })
})

describe('goTemplate', () => {
  // docker image inspect debian:bookworm-slim, the parts these templates read.
  const image = {
    Config: {
      Cmd: ['bash'],
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Labels: { 'org.lessonproof.lab-suite': 'bookworm' },
      ExposedPorts: {},
    },
  }
  const container = {
    Config: {
      ExposedPorts: { '7000/tcp': {}, '80/tcp': {}, '90/tcp': {} },
      Labels: { app: 'demo' },
    },
  }

  it.each([
    // docker image inspect -f '…' debian:bookworm-slim
    ['{{json .Config.Cmd}} {{.Config.Cmd}}', image, '["bash"] [bash]'],
    ['{{.Config.Env}}', image, '[PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin]'],
    ['{{range .Config.Env}}{{println .}}{{end}}', image, `${image.Config.Env[0]}\n`],
    ['[{{index .Config.Labels "x"}}]', image, '[]'],
    ['{{.Config.ExposedPorts}}', image, 'map[]'],
    // docker container inspect -f '…' of a container run with -p 8081:80 -p 9090:90 --expose 7000 -l app=demo
    ['{{.Config.ExposedPorts}}', container, 'map[7000/tcp:{} 80/tcp:{} 90/tcp:{}]'],
    ['{{json .Config.ExposedPorts}}', container, '{"7000/tcp":{},"80/tcp":{},"90/tcp":{}}'],
    ['{{index .Config.Labels "app"}}', container, 'demo'],
  ])('%s', (template, data, printed) => {
    expect(goTemplate(template, data)).toBe(printed)
  })

  it('ranges over an empty list to nothing, and keeps the text around it', () => {
    expect(goTemplate('a{{range .L}}[{{.}}]{{end}}b', { L: [] })).toBe('ab')
    expect(goTemplate('{{range .L}}[{{.}}]{{end}}', { L: ['x', 'y'] })).toBe('[x][y]')
  })

  it('escapes <, > and & in JSON as Go does', () => {
    expect(goJson({ cmd: 'a < b && c > d' })).toBe('{"cmd":"a \\u003c b \\u0026\\u0026 c \\u003e d"}')
  })

  it('throws a TemplateError for what it does not evaluate', () => {
    expect(() => goTemplate('{{if .Config}}x{{end}}', image)).toThrow(TemplateError)
    expect(() => goTemplate('{{if .Config}}x{{end}}', image)).toThrow(
      'lessonproof does not evaluate the template action {{if .Config}}',
    )
    expect(() => goTemplate('{{end}}', image)).toThrow('end without range')
  })
})
