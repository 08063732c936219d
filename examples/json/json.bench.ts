// JSON.parse / JSON.stringify of large documents: the classic "move it off the
// main thread" candidate. Whether that pays depends on what crosses the boundary.
import { benchCompare } from 'vitest-parallel-bench'
import { makeDocument, summarize } from './document'

const ITEMS = 10_000 // ≈ 2 MB of JSON

// Built lazily, in the host only: `input` never runs in a worker, but module scope
// is evaluated again in every worker, so big values made there would cost each one.
let text: string | undefined
const documentText = (): string => (text ??= JSON.stringify(makeDocument(ITEMS)))

// Text in, a small summary out: only the string crosses to the worker.
benchCompare('parse 2 MB of JSON, return a summary', (json: string) => summarize(JSON.parse(json)), {
  input: documentText,
})

// Text in, the whole parsed tree out: the tree is structured-cloned back to the host.
benchCompare('parse 2 MB of JSON, return the document', (json: string) => JSON.parse(json), {
  input: documentText,
})

// An object in, text out: the tree is structured-cloned to the worker first.
benchCompare('stringify a document sent from the host', (document: object) => JSON.stringify(document), {
  input: () => makeDocument(ITEMS),
})
