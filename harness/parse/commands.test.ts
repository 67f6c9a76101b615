import { describe, expect, it } from 'vitest'
import { looksLikeCommands, promptOf, readShell, segments, splitCommands } from './commands.js'
import { isPlaceholder, shellWrites } from './writes.js'

/** Commands of a fence opened at line 10 (its first content line is 11): [line, text]. */
const commandsOf = (value: string, lang = 'bash') =>
  readShell(value, 10, lang).commands.map((c) => [c.line, c.text, c.prompt])

describe('prompts', () => {
  it.each([
    ['$ docker build -t app .', '$'],
    ['% docker images', '%'],
    ['➜ docker ps', '➜'],
    ['➜  app git:(main) ✗ docker build .', '➜  app git:(main) ✗'],
    ['user@host:~/app$ docker images', 'user@host:~/app$'],
    ['root@4f2a1c:/app# ls -la', 'root@4f2a1c:/app#'],
    ['PS C:\\Users\\me> docker version', 'PS C:\\Users\\me>'],
    ['C:\\app> docker build .', 'C:\\app>'],
    ['(venv) $ pip install -r requirements.txt', '(venv) $'],
    ['# apt-get update', '#'],
  ])('%s is typed at %s', (line, prompt) => {
    expect(promptOf(line)).toBe(prompt)
  })

  it.each([['# Build the image'], ['REPOSITORY   TAG'], ['$HOME/bin'], ['docker images']])(
    '%s has no prompt',
    (line) => {
      expect(promptOf(line)).toBeUndefined()
    },
  )
})

describe('readShell', () => {
  it('joins `\\` continuations and keeps a quote that spans lines in one command', () => {
    const value = [
      'docker build \\',
      '  -t app:slim .',
      "echo 'FROM alpine:3.19",
      'RUN apk add --no-cache curl',
      'CMD ["sh"]\' | tee Dockerfile',
      "echo It's done",
    ].join('\n')
    expect(commandsOf(value)).toEqual([
      [11, 'docker build -t app:slim .', undefined],
      [13, 'echo \'FROM alpine:3.19\nRUN apk add --no-cache curl\nCMD ["sh"]\' | tee Dockerfile', undefined],
      [16, "echo It's done", undefined],
    ])
  })

  it('reads a console transcript: prompted lines are commands, the lines after each its output', () => {
    const value = [
      '$ docker images',
      '',
      'REPOSITORY   TAG   IMAGE ID   CREATED   SIZE',
      '$ docker ps',
      '$ echo hi',
      'hi',
    ].join('\n')
    const shell = readShell(value, 10, 'console')
    expect(shell.commands.map((c) => [c.line, c.text])).toEqual([
      [11, 'docker images'],
      [14, 'docker ps'],
      [15, 'echo hi'],
    ])
    expect(shell.outputs.map((o) => [o.line, o.command.text, o.text])).toEqual([
      [11, 'docker images', '\nREPOSITORY   TAG   IMAGE ID   CREATED   SIZE'],
      [15, 'echo hi', 'hi'],
    ])
  })

  it('takes `# ` as a root prompt only before a command, in a transcript', () => {
    const value = ['# apt-get update', 'Get:1 http://deb.debian.org bookworm InRelease', '# Done'].join('\n')
    const shell = readShell(value, 10, 'console')
    expect(shell.commands.map((c) => c.text)).toEqual(['apt-get update'])
    expect(shell.outputs[0]?.text).toBe('Get:1 http://deb.debian.org bookworm InRelease\n# Done')
    expect(commandsOf('# Build it\ndocker build .')).toEqual([[12, 'docker build .', undefined]])
  })

  it('takes a heredoc body with its command, not as commands', () => {
    const value = [
      "cat > Dockerfile.prod << 'EOF'",
      'FROM nginx:alpine',
      'COPY site /usr/share/nginx/html',
      'EOF',
      'docker build -f Dockerfile.prod .',
    ].join('\n')
    const shell = readShell(value, 10, 'bash')
    expect(shell.commands.map((c) => [c.line, c.lastLine, c.text, c.heredoc])).toEqual([
      [
        11,
        14,
        "cat > Dockerfile.prod << 'EOF'",
        { body: 'FROM nginx:alpine\nCOPY site /usr/share/nginx/html', bodyLine: 12 },
      ],
      [15, 15, 'docker build -f Dockerfile.prod .', undefined],
    ])
  })

  it('joins PowerShell backtick continuations and strips its prompt', () => {
    expect(commandsOf('PS C:\\app> docker run `\n  -p 8000:8000 app', 'powershell')).toEqual([
      [11, 'docker run -p 8000:8000 app', 'PS C:\\app>'],
    ])
  })

  it('reads no commands from a script or from Dockerfile lines in a shell fence', () => {
    expect(commandsOf('#!/bin/sh\nset -e\nexec "$@"')).toEqual([])
    expect(commandsOf('FROM python:3.12-slim AS build')).toEqual([])
  })

  it('flags a program name in the wrong case: the shell would reject it', () => {
    const [command] = splitCommands({ line: 10, value: 'Docker build -t app .' })
    expect(command).toMatchObject({ argv: ['Docker', 'build', '-t', 'app', '.'] })
    expect(command?.shellRejects).toMatchInlineSnapshot(
      `"'Docker' is not a command: command names are case-sensitive (\`docker\`)"`,
    )
  })
})

describe('looksLikeCommands', () => {
  it.each([
    ['$ docker images\n\nREPOSITORY  TAG', 'transcript'],
    ['cargo new simple', 'commands'],
    ['cd simple\nnano Dockerfile', 'commands'],
    ['docker build -t app .\ndocker run app', 'commands'],
    ['Write a Dockerfile for a web app that:\n- uses Alpine', undefined],
    ['FROM alpine\nRUN echo hi', undefined],
    ['#!/bin/sh\necho hi', undefined],
    ['{"status": "ok"}', undefined],
  ])('%j → %s', (value, expected) => {
    expect(looksLikeCommands(value)).toBe(expected)
  })
})

describe('segments', () => {
  it('keeps a placeholder like <your-username> whole instead of reading redirections', () => {
    expect(segments('docker tag app:1.0 <your-username>/app:1.0')).toEqual([
      ['docker', 'tag', 'app:1.0', '<your-username>/app:1.0'],
    ])
    expect(segments('cat <<EOF > app.conf')).toEqual([['cat']])
    expect(segments('docker build -t app . 2>&1 | tee build.log')).toEqual([
      ['docker', 'build', '-t', 'app', '.'],
      ['tee', 'build.log'],
    ])
  })
})

describe('shellWrites', () => {
  it.each([
    [
      "cat > Dockerfile.prod << 'EOF'",
      { body: 'FROM nginx\nCOPY . /usr/share/nginx/html', bodyLine: 21 },
      [
        {
          name: 'Dockerfile.prod',
          content: 'FROM nginx\nCOPY . /usr/share/nginx/html',
          contentLine: 21,
          append: false,
        },
      ],
    ],
    [
      'cat <<EOF > app.conf',
      { body: 'port=8000', bodyLine: 21 },
      [{ name: 'app.conf', content: 'port=8000', contentLine: 21, append: false }],
    ],
    [
      'echo \'FROM alpine\nCMD ["sh"]\' | tee Dockerfile',
      undefined,
      [{ name: 'Dockerfile', content: 'FROM alpine\nCMD ["sh"]', contentLine: 20, append: false }],
    ],
    [
      "printf 'node_modules\\n.git\\n' > .dockerignore",
      undefined,
      [{ name: '.dockerignore', content: 'node_modules\n.git', contentLine: 20, append: false }],
    ],
    [
      "echo 'EXPOSE 8000' >> ./Dockerfile",
      undefined,
      [{ name: 'Dockerfile', content: 'EXPOSE 8000', contentLine: 20, append: true }],
    ],
    [
      'echo "ready" | tee -a log.txt > /dev/null',
      undefined,
      [{ name: 'log.txt', content: 'ready', contentLine: 20, append: true }],
    ],
    ['docker build -t app . > build.log', undefined, []],
  ])('%s', (text, heredoc, expected) => {
    expect(shellWrites(text, 20, heredoc)).toEqual(expected.map((w) => ({ line: 20, ...w })))
  })
})

describe('isPlaceholder', () => {
  it.each([
    ["[Your assistant's optimized Dockerfile here]", true],
    ['<paste your Dockerfile>', true],
    ['# paste your Dockerfile here', true],
    ['...', true],
    ['', true],
    ['FROM alpine', false],
    ['FROM alpine\nRUN [ -f /x ]', false],
  ])('%j → %s', (content, expected) => {
    expect(isPlaceholder(content)).toBe(expected)
  })
})
