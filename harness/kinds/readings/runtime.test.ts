import { describe, expect, it } from 'vitest'
import type { FileVersion } from '../../model/index.js'
import { listenOf, portOfApp, runtimeOf } from './runtime.js'

const file = (name: string, content: string): FileVersion => ({ name, line: 1, content, lang: '' })

describe('where a container listens', () => {
  it.each([
    ['CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8080"]', 8080, 'command'],
    ['CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]', 8000, 'default'],
    ['CMD uvicorn main:app --port=$PORT', 9000, 'command'],
    ['CMD ["gunicorn", "-b", "0.0.0.0:5001", "app:app"]', 5001, 'command'],
    ['CMD ["flask", "run", "--host", "0.0.0.0"]', 5000, 'default'],
    ['CMD ["python", "-m", "http.server", "8081"]', 8081, 'command'],
    ['CMD ["python", "manage.py", "runserver", "0.0.0.0:8002"]', 8002, 'command'],
    ['CMD ["streamlit", "run", "app.py"]', 8501, 'default'],
  ])('%s', (cmd, port, how) => {
    const rt = runtimeOf(`FROM python:3.12-slim\nENV PORT=9000\n${cmd}\n`)
    expect(listenOf(rt, {})).toMatchObject({ port, how })
  })

  it('reads the application code a node or python command runs', () => {
    const files = {
      'server.js': file('server.js', 'const PORT = process.env.PORT || 3000\napp.listen(PORT)\n'),
    }
    const rt = runtimeOf('FROM node:20-alpine\nCMD ["node", "server.js"]\n')
    expect(listenOf(rt, files)).toMatchObject({ port: 3000, how: 'app' })
    expect(listenOf(rt, files, { env: { PORT: '4000' } })).toMatchObject({ port: 4000 })
    expect(
      portOfApp(
        file('app.py', 'from flask import Flask\napp = Flask(__name__)\napp.run(host="0.0.0.0")\n'),
        {},
      ),
    ).toMatchObject({ port: 5000 })
  })

  it("takes the base image's server when the Dockerfile keeps its command, and a run's command over the CMD", () => {
    expect(
      listenOf(runtimeOf('FROM nginx:1.27-alpine\nCOPY site /usr/share/nginx/html\n'), {}),
    ).toMatchObject({ port: 80, how: 'image' })
    const rt = runtimeOf('FROM python:3.12-slim\nCMD ["uvicorn", "main:app", "--port", "8000"]\n')
    expect(listenOf(rt, {}, { args: ['uvicorn', 'main:app', '--port', '7000'] })).toMatchObject({
      port: 7000,
    })
    expect(listenOf(runtimeOf('FROM python:3.12-slim\nCMD ["python", "worker.py"]\n'), {})).toBeUndefined()
  })

  it('follows the final stage to the image outside the Dockerfile, ARGs substituted, with EXPOSE, ENV and installs', () => {
    const rt = runtimeOf(
      [
        'ARG V=3.12',
        'FROM python:$V-slim AS base',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88 \\',
        '  ca-certificates',
        'EXPOSE 8000',
        'FROM base AS final',
        'ENV A=1',
        'CMD ["python"]',
      ].join('\n'),
    )
    expect(rt.base).toBe('python:3.12-slim')
    expect(rt.expose.map((e) => e.port)).toEqual([8000])
    expect([...rt.installs]).toEqual(expect.arrayContaining(['curl', 'ca-certificates']))
    expect(rt.env).toEqual({ A: '1' })
  })
})
