import { describe, expect, it } from 'vitest'
import { compareOutput, PULL_PROGRESS } from './compare.js'

/** `docker history` of an image built here with the classic builder (engine 20.10.24). */
const HISTORY_HERE = `IMAGE          CREATED                  CREATED BY                                      SIZE      COMMENT
225f7f8b0c4c   Less than a second ago   /bin/sh -c #(nop)  CMD ["cat" "/hello.txt"]     0B        
9cc22eef90b7   Less than a second ago   /bin/sh -c echo hello > /hello.txt && head -…   2MB       
c44bcd2b780c   Less than a second ago   /bin/sh -c #(nop)  LABEL org.lessonproof.run…   0B        
457b29abc760   10 minutes ago                                                           74.8MB    Imported from -
`

/** `docker ps` of a container started here with `-p 127.0.0.1:18080:80`. */
const PS_HERE = `CONTAINER ID   IMAGE                  COMMAND      CREATED                  STATUS                  PORTS                     NAMES
896f545c6654   debian:bookworm-slim   "sleep 30"   Less than a second ago   Up Less than a second   127.0.0.1:18080->80/tcp   sharp_hamilton
`

describe('compareOutput: lines', () => {
  it('passes identical output', () => {
    const result = compareOutput('hello\nworld\n', 'hello\nworld\n')
    expect(result).toEqual({ pass: true, mode: 'lines', differences: [], diff: '' })
  })

  it('passes once IDs, times, durations and PIDs are normalised', () => {
    const claimed = [
      'Successfully built 1a2b3c4d5e6f',
      'INFO:     Started server process [1]',
      'Finished in 2.3s at 2024-03-01T10:00:00Z',
    ].join('\n')
    const actual = [
      'Successfully built 225f7f8b0c4c',
      'INFO:     Started server process [27]',
      'Finished in 0.41s at 2025-11-26T14:08:43.1Z',
    ].join('\n')
    expect(compareOutput(claimed, actual).pass).toBe(true)
  })

  it('fails a line that says something else, at its lesson line', () => {
    const result = compareOutput('Hello from task-api\nversion 1.0\n', 'Hello from task-api\nversion 1.1\n', {
      file: 'lessons/x.md',
      line: 40,
    })
    expect(result.pass).toBe(false)
    expect(result.differences).toEqual([
      { line: 41, kind: 'changed', claimed: 'version 1.0', actual: 'version 1.1', detail: 'differs' },
    ])
    expect(result.diff).toBe(
      [
        '--- lessons/x.md\tclaimed',
        '+++ lessons/x.md\tthis run',
        '@@ -40,2 +40,2 @@',
        ' Hello from task-api',
        '-version 1.0',
        '+version 1.1',
        '',
      ].join('\n'),
    )
  })

  it('reports lines the run did not print and lines it printed beyond the claim', () => {
    const missing = compareOutput('a\nb\nc\n', 'a\nc\n', { line: 10 })
    expect(missing.differences).toMatchObject([{ line: 11, kind: 'missing', claimed: 'b' }])
    const extra = compareOutput('a\nc\n', 'a\nb\nc\n', { line: 10 })
    expect(extra.differences).toMatchObject([{ line: 11, kind: 'unexpected', actual: 'b' }])
    expect(extra.diff).toContain('@@ -10,2 +10,3 @@\n a\n+b\n c\n')
  })

  it('lets an elision stand for any lines, none included', () => {
    const claimed = 'Step 1/3 : FROM debian:bookworm-slim\n...\nSuccessfully tagged app:1\n'
    const many =
      'Step 1/3 : FROM debian:bookworm-slim\n ---> 457b29abc760\nStep 2/3 : RUN make\n ---> Running in 0a1b2c3d4e5f\nSuccessfully tagged app:1\n'
    expect(compareOutput(claimed, many).pass).toBe(true)
    expect(
      compareOutput(claimed, 'Step 1/3 : FROM debian:bookworm-slim\nSuccessfully tagged app:1\n').pass,
    ).toBe(true)
    expect(compareOutput('…\nlast\n', 'x\ny\nlast\n').pass).toBe(true)
  })

  it('does not let an elision hide a changed line around it', () => {
    const claimed = 'start\n...\nSuccessfully tagged app:1\n'
    const actual = 'start\nmiddle\nSuccessfully tagged app:2\n'
    const result = compareOutput(claimed, actual)
    expect(result.pass).toBe(false)
    expect(result.differences).toMatchObject([{ kind: 'changed', claimed: 'Successfully tagged app:1' }])
  })

  it('shows a changed first line as changed, not swallowed by the elision after it', () => {
    const result = compareOutput('header A\n...\nend\n', 'header B\nx\ny\nend\n')
    expect(result.differences).toMatchObject([
      { line: 1, kind: 'changed', claimed: 'header A', actual: 'header B' },
    ])
  })

  it('holds sizes within the tolerance and fails beyond it', () => {
    const claimed = '-rwxr-xr-x 1 root root 4.5M Mar  1 10:00 server\n'
    expect(compareOutput(claimed, '-rwxr-xr-x 1 root root 4.3M Nov 26 14:08 server\n').pass).toBe(true)
    const far = compareOutput(claimed, '-rwxr-xr-x 1 root root 9.1M Nov 26 14:08 server\n', {
      sizeTolerancePct: 10,
    })
    expect(far.pass).toBe(false)
    expect(far.differences[0]?.detail).toBe('size 4.5M is 9.1M (+102.2%, beyond ±10%)')
  })

  it('reads ls -lh from another machine: owners, padding and dates apart, sizes in tolerance', () => {
    const claimed = `total 4.6M
-rw-r--r--  1 alice  staff   157 Mar  1 10:00 Dockerfile
-rwxr-xr-x  1 alice  staff  4.6M Mar  1 10:00 server
`
    // As ls -lh printed it here for a 157-byte file and a 4600000-byte one.
    const here = `total 4.4M
-rw-r--r-- 1 root root  157 Nov 26 14:30 Dockerfile
-rwxr-xr-x 1 root root 4.4M Nov 26 14:30 server
`
    expect(compareOutput(claimed, here).pass).toBe(true)
    const notExecutable = claimed.replace('-rwxr-xr-x  1 alice', '-rw-r--r--  1 alice')
    expect(compareOutput(notExecutable, here).differences).toMatchObject([{ line: 3, kind: 'changed' }])
  })

  it('compares one-line JSON by value', () => {
    expect(compareOutput('{"status": "ok", "version": "1.0"}', '{"version":"1.0","status":"ok"}').pass).toBe(
      true,
    )
    const result = compareOutput('{"status": "ok"}', '{"status":"degraded"}')
    expect(result.differences[0]?.detail).toBe('$.status: "ok" vs "degraded"')
  })

  it('maps the run’s published port back to the lesson’s', () => {
    const claimed = 'Listening on http://127.0.0.1:8000\n'
    expect(compareOutput(claimed, 'Listening on http://127.0.0.1:49153\n').pass).toBe(false)
    expect(
      compareOutput(claimed, 'Listening on http://127.0.0.1:49153\n', {
        ports: [{ lesson: 8000, run: 49153 }],
      }).pass,
    ).toBe(true)
  })

  it('replaces the workstation’s paths by the lesson’s', () => {
    const options = { replacements: [{ actual: '/lesson', claimed: '/home/me/task-api' }] }
    expect(compareOutput('/home/me/task-api/main.py\n', '/lesson/main.py\n', options).pass).toBe(true)
    expect(compareOutput('/home/me/other/main.py\n', '/lesson/main.py\n', options).pass).toBe(false)
  })

  it('ignores trailing spaces, CRLF, colour codes and blank edges, but not blank lines inside', () => {
    const esc = String.fromCharCode(27)
    expect(compareOutput('\nok\r\ndone  \n\n', `${esc}[32mok${esc}[0m\ndone\n`).pass).toBe(true)
    expect(compareOutput('ok\n\ndone\n', 'ok\ndone\n').pass).toBe(false)
  })

  it('accepts cram’s (re) and (glob) lines', () => {
    expect(compareOutput('uv [0-9.]+ (re)\n', 'uv 0.4.18\n').pass).toBe(true)
    expect(compareOutput('uv [0-9.]+ (re)\n', 'uv unknown\n').pass).toBe(false)
    expect(compareOutput('Python 3.* (glob)\n', 'Python 3.11.2\n').pass).toBe(true)
    expect(compareOutput('Python 3.* (glob)\n', 'Python 2.7.18\n').pass).toBe(false)
  })

  it('leaves out ignored lines on both sides, keeping the lesson’s numbering', () => {
    const claimed = [
      "Unable to find image 'python:3.12-slim' locally",
      '3.12-slim: Pulling from library/python',
      'a2abf6c4d29d: Pull complete',
      'Digest: sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
      'Status: Downloaded newer image for python:3.12-slim',
      'hello',
      'world',
    ].join('\n')
    expect(compareOutput(claimed, 'hello\nworld\n', { ignoreLines: [...PULL_PROGRESS] }).pass).toBe(true)
    const changed = compareOutput(claimed, 'hello\nthere\n', { ignoreLines: [...PULL_PROGRESS], line: 20 })
    expect(changed.differences).toMatchObject([{ line: 26, claimed: 'world', actual: 'there' }])
    expect(changed.diff).toContain('@@ -25,2 +25,2 @@')
  })

  it('fails an empty run against a claimed line, and a claimed nothing against output', () => {
    expect(compareOutput('something\n', '').pass).toBe(false)
    expect(compareOutput('', 'something\n').pass).toBe(false)
    expect(compareOutput('', '').pass).toBe(true)
  })
})

describe('compareOutput: tables', () => {
  it('passes a docker history table written by another machine on another day', () => {
    const claimed = `IMAGE          CREATED         CREATED BY                                      SIZE      COMMENT
0f1e2d3c4b5a   2 weeks ago     /bin/sh -c #(nop)  CMD ["cat" "/hello.txt"]     0B
<missing>      2 weeks ago     /bin/sh -c echo hello > /hello.txt && head -…   2MB
<missing>      2 weeks ago     /bin/sh -c #(nop)  LABEL org.lessonproof.run…   0B
<missing>      3 weeks ago                                                     74.8MB    Imported from -
`
    const result = compareOutput(claimed, HISTORY_HERE)
    expect(result.mode).toBe('table')
    expect(result.differences).toEqual([])
    expect(result.pass).toBe(true)
  })

  it('compares by column, whatever the spacing', () => {
    const claimed = `REPOSITORY TAG IMAGE ID CREATED SIZE
walk-probe  1  1a2b3c4d5e6f  3 days ago  76.8MB
`
    const actual = `REPOSITORY   TAG       IMAGE ID       CREATED                  SIZE
walk-probe   1         225f7f8b0c4c   Less than a second ago   76.8MB
`
    // A header with single spaces cannot be told from one column, so this stays lines…
    expect(compareOutput(claimed, actual).pass).toBe(false)
    // …but a hand-aligned table with runs of spaces is read by column.
    const respaced = `REPOSITORY  TAG  IMAGE ID      CREATED     SIZE
walk-probe  1    1a2b3c4d5e6f  3 days ago  76.8MB
`
    const result = compareOutput(respaced, actual)
    expect(result.mode).toBe('table')
    expect(result.pass).toBe(true)
  })

  it('fails a size beyond tolerance and names the column', () => {
    const claimed = `REPOSITORY   TAG       IMAGE ID       CREATED       SIZE
walk-probe   1         1a2b3c4d5e6f   2 hours ago   125MB
`
    const actual = `REPOSITORY   TAG       IMAGE ID       CREATED                  SIZE
walk-probe   1         225f7f8b0c4c   Less than a second ago   76.8MB
`
    const result = compareOutput(claimed, actual, { file: 'lessons/size.md', line: 30 })
    expect(result.pass).toBe(false)
    expect(result.differences).toEqual([
      {
        line: 31,
        kind: 'changed',
        claimed: 'walk-probe   1         1a2b3c4d5e6f   2 hours ago   125MB',
        actual: 'walk-probe   1         225f7f8b0c4c   Less than a second ago   76.8MB',
        detail: 'SIZE: 125MB is 76.8MB (-38.6%, beyond ±15%)',
      },
    ])
    expect(result.diff).toContain('@@ -30,2 +30,2 @@')
  })

  it('matches image rows by repository and tag, not by the order two builds finished in', () => {
    const claimed = `REPOSITORY   TAG    IMAGE ID       CREATED          SIZE
app          slim   1a2b3c4d5e6f   10 seconds ago   125MB
app          full   2b3c4d5e6f70   12 seconds ago   480MB
`
    const actual = `REPOSITORY   TAG    IMAGE ID       CREATED          SIZE
app          full   9b3c4d5e6f70   3 seconds ago    482MB
app          slim   9a2b3c4d5e6f   3 seconds ago    126MB
`
    expect(compareOutput(claimed, actual).pass).toBe(true)
    const swapped = actual
      .replace('482MB', '126MB')
      .replace(
        'app          slim   9a2b3c4d5e6f   3 seconds ago    126MB',
        'app          slim   9a2b3c4d5e6f   3 seconds ago    482MB',
      )
    expect(compareOutput(claimed, swapped).pass).toBe(false)
  })

  it('reads docker ps with its ports normalised, and holds a wrong port mapping', () => {
    const claimed = `CONTAINER ID   IMAGE                  COMMAND      CREATED          STATUS          PORTS                                   NAMES
0a1b2c3d4e5f   debian:bookworm-slim   "sleep 30"   5 seconds ago    Up 4 seconds    0.0.0.0:18080->80/tcp, :::18080->80/tcp   eager_curie
`
    expect(compareOutput(claimed, PS_HERE, { volatileColumns: ['NAMES'] }).pass).toBe(true)
    // Without saying the name is generated, the name is held.
    expect(compareOutput(claimed, PS_HERE).pass).toBe(false)
    const wrongPort = claimed.replace(/->80\/tcp/g, '->8080/tcp')
    const result = compareOutput(wrongPort, PS_HERE, { volatileColumns: ['NAMES'] })
    expect(result.pass).toBe(false)
    expect(result.differences[0]?.detail).toBe(
      'PORTS: "0.0.0.0:18080->8080/tcp, :::18080->8080/tcp" is "127.0.0.1:18080->80/tcp"',
    )
  })

  it('lets an elision row stand for rows, and fails a missing one', () => {
    const claimed = `IMAGE          CREATED         CREATED BY                                      SIZE      COMMENT
0f1e2d3c4b5a   2 weeks ago     /bin/sh -c #(nop)  CMD ["cat" "/hello.txt"]     0B
...
`
    expect(compareOutput(claimed, HISTORY_HERE).pass).toBe(true)
    const withoutElision = claimed.replace('...\n', '')
    const result = compareOutput(withoutElision, HISTORY_HERE)
    expect(result.pass).toBe(false)
    expect(result.differences.map((d) => d.kind)).toEqual(['unexpected', 'unexpected', 'unexpected'])
  })

  it('fails a table whose columns differ', () => {
    const claimed = `REPOSITORY   TAG   IMAGE ID       CREATED       VIRTUAL SIZE
walk-probe   1     1a2b3c4d5e6f   2 hours ago   76.8MB
`
    const actual = `REPOSITORY   TAG   IMAGE ID       CREATED       SIZE
walk-probe   1     225f7f8b0c4c   2 hours ago   76.8MB
`
    const result = compareOutput(claimed, actual)
    expect(result.pass).toBe(false)
    expect(result.differences[0]?.detail).toContain(
      'columns REPOSITORY, TAG, IMAGE ID, CREATED, VIRTUAL SIZE vs',
    )
  })

  it('falls back to lines when the run printed no table', () => {
    const result = compareOutput(PS_HERE, 'Cannot connect to the Docker daemon\n')
    expect(result.mode).toBe('lines')
    expect(result.pass).toBe(false)
  })
})

describe('compareOutput: JSON documents', () => {
  const claimed = `{
  "status": "healthy",
  "checked_at": "2024-03-01T10:00:00Z",
  "items": [1, 2]
}`

  it('passes the same value printed another way, with volatile strings normalised', () => {
    expect(
      compareOutput(claimed, '{"items":[1,2],"checked_at":"2025-11-26T14:08:43Z","status":"healthy"}').pass,
    ).toBe(true)
  })

  it('names each path that differs, at the block’s first line', () => {
    const result = compareOutput(
      claimed,
      '{"status":"down","checked_at":"2025-11-26T14:08:43Z","items":[1],"extra":true}',
      {
        line: 12,
      },
    )
    expect(result.mode).toBe('json')
    expect(result.differences.map((d) => d.detail)).toEqual([
      '$.status: "healthy" vs "down"',
      '$.items[1]: 2 is missing',
      '$.extra: unexpected true',
    ])
    expect(result.differences[0]?.line).toBe(12)
    expect(result.diff).toContain('@@ -12,')
  })

  it('fails when the run printed no JSON', () => {
    const result = compareOutput(claimed, 'curl: (7) Failed to connect to localhost port 8000\n')
    expect(result.pass).toBe(false)
    expect(result.differences[0]?.detail).toBe('the run printed no JSON document here')
  })

  it('takes a claimed "..." string for any value', () => {
    expect(compareOutput('{\n  "id": "...",\n  "done": false\n}', '{"id":"f3a9","done":false}').pass).toBe(
      true,
    )
    expect(compareOutput('{\n  "id": "...",\n  "done": false\n}', '{"id":"f3a9","done":true}').pass).toBe(
      false,
    )
  })
})
