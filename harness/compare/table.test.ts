import { describe, expect, it } from 'vitest'
import { readHeader, readRow, readTable, renderTable } from './table.js'

/** `docker images` as the engine here printed it (engine 20.10.24). */
const IMAGES_HERE = `REPOSITORY                 TAG             IMAGE ID       CREATED          SIZE
127.0.0.1:5000/lab/probe   stable          a3fe1be637ce   41 seconds ago   74.8MB
debian                     bookworm-slim   457b29abc760   6 minutes ago    74.8MB
debian                     bookworm        6e84c008ea29   6 minutes ago    117MB`

describe('readTable', () => {
  it('reads Docker’s headers, spaces in names included', () => {
    expect(
      readHeader('CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES')?.map(
        (h) => h.name,
      ),
    ).toEqual(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'])
    expect(readHeader('NAME   CPU %   MEM USAGE / LIMIT   NET I/O')?.length).toBe(4)
  })

  it('does not read prose or a single column as a header', () => {
    expect(readHeader('Successfully built 225f7f8b0c4c')).toBeUndefined()
    expect(readHeader('REPOSITORY')).toBeUndefined()
    expect(readHeader('Step 1/3  FROM debian')).toBeUndefined()
  })

  it('slices aligned rows by the header’s columns, empty and double-spaced cells included', () => {
    const header = readHeader(
      'IMAGE          CREATED          CREATED BY                                      SIZE      COMMENT',
    )
    if (!header) throw new Error('no header')
    expect(
      readRow(
        'c44bcd2b780c   10 seconds ago   /bin/sh -c #(nop)  LABEL org.lessonproof.run…   0B        ',
        header,
      ),
    ).toEqual(['c44bcd2b780c', '10 seconds ago', '/bin/sh -c #(nop)  LABEL org.lessonproof.run…', '0B', ''])
    expect(
      readRow(
        '457b29abc760   10 minutes ago                                                    74.8MB    Imported from -',
        header,
      ),
    ).toEqual(['457b29abc760', '10 minutes ago', '', '74.8MB', 'Imported from -'])
  })

  it('splits a hand-edited row that no longer lines up on runs of spaces', () => {
    const header = readHeader('REPOSITORY   TAG   SIZE')
    if (!header) throw new Error('no header')
    expect(readRow('task-api-multistage   slim   115MB', header)).toEqual([
      'task-api-multistage',
      'slim',
      '115MB',
    ])
  })

  it('keeps elision rows apart', () => {
    const table = readTable(['REPOSITORY   TAG   SIZE', 'app   1   5MB', '...'])
    expect(table?.rows.map((r) => r.elision)).toEqual([false, true])
  })
})

describe('renderTable', () => {
  it('lines up columns exactly as Docker’s tabwriter does', () => {
    const table = readTable(IMAGES_HERE.split('\n'))
    if (!table) throw new Error('no table')
    const rows = table.rows.map((r) => (r.elision ? r.text : r.cells))
    expect(renderTable(table.columns, rows).join('\n')).toBe(IMAGES_HERE)
  })
})
