import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exercise, requestBody } from './routes.js'

const APP = `
class TaskCreate(BaseModel):
    title: str
    description: str | None = None
    priority: int = 1

@app.post("/tasks", response_model=Task)
def create_task(task: TaskCreate):
    pass
`

describe('requestBody', () => {
  it('fills the required fields of the handler model', () => {
    expect(requestBody(APP, { method: 'POST', path: '/tasks' })).toEqual({ title: 'lessonproof' })
  })
})

describe('exercise', () => {
  const seen: string[] = []
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    if (req.method === 'POST' && req.url === '/tasks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"task_7"}')
    } else if (req.url === '/tasks' || req.url === '/tasks/task_7' || req.url === '/tasks/task_7/complete') {
      res.writeHead(200).end('{}')
    } else res.writeHead(404).end()
  })
  let base = ''
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('creates first, then lists, gets and completes with the id it got back', async () => {
    const routes = [
      { method: 'PATCH', path: '/tasks/{task_id}/complete' },
      { method: 'GET', path: '/tasks/{task_id}' },
      { method: 'GET', path: '/tasks' },
      { method: 'POST', path: '/tasks' },
      { method: 'GET', path: '/missing' },
    ]
    const results = await exercise(base, APP, routes)
    expect(seen).toEqual([
      'POST /tasks',
      'GET /tasks',
      'GET /missing',
      'GET /tasks/task_7',
      'PATCH /tasks/task_7/complete',
    ])
    expect(results.filter((r) => !r.ok).map((r) => r.url)).toEqual(['/missing'])
  })
})
