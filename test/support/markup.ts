// A small well-formedness check for the SVG and HTML the reports write: every tag
// well-formed and balanced, attributes quoted, `&` only in known entities. Enough to
// catch an unescaped name without a parser dependency.

export interface Markup {
  /** What is wrong, one line each; empty when the document is well-formed. */
  problems: string[]
  /** Every start tag, in document order. */
  elements: { name: string; attributes: Record<string, string> }[]
}

const TAG = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<]*")?)*)\s*(\/?)>$/
const ATTRIBUTE = /([\w:-]+)(?:="([^"]*)")?/g
const ENTITY = /&(?!(?:amp|lt|gt|quot|#39|#\d+);)/

/** Parses `text` as XML (SVG) or, with `voidElements`, as HTML whose void elements have no end tag. */
export function checkMarkup(text: string, voidElements: readonly string[] = []): Markup {
  const problems: string[] = []
  const elements: Markup['elements'] = []
  const open: string[] = []
  // Style sheets hold CSS, not markup.
  const body = text.replace(/(<style>)[\s\S]*?(<\/style>)/g, '$1$2')
  if (ENTITY.test(body))
    problems.push(`a bare & near ${JSON.stringify(body.slice(body.search(ENTITY), body.search(ENTITY) + 30))}`)
  const outside = body.replace(/<[^>]*>/g, '')
  if (/[<>]/.test(outside))
    problems.push(
      `a bare < or > near ${JSON.stringify(outside.slice(outside.search(/[<>]/) - 20, outside.search(/[<>]/) + 20))}`,
    )
  for (const [tag] of body.matchAll(/<[^>]*>/g)) {
    if (tag.startsWith('<!DOCTYPE') || tag.startsWith('<!--')) continue
    const match = TAG.exec(tag)
    if (match === null) {
      problems.push(`malformed tag ${tag}`)
      continue
    }
    const [, closing, name = '', attributeText = '', selfClosing] = match
    if (closing === '/') {
      const expected = open.pop()
      if (expected !== name) problems.push(`</${name}> closes <${expected ?? 'nothing'}>`)
      continue
    }
    const attributes: Record<string, string> = {}
    for (const [, key = '', value = ''] of attributeText.matchAll(ATTRIBUTE)) {
      if (key in attributes) problems.push(`<${name}> repeats ${key}`)
      attributes[key] = value
    }
    elements.push({ name, attributes })
    if (selfClosing !== '/' && !voidElements.includes(name)) open.push(name)
  }
  if (open.length > 0) problems.push(`never closed: ${open.join(', ')}`)
  return { problems, elements }
}

/** Every absolute URL in `text`: a report that works offline has none but namespaces. */
export function absoluteUrls(text: string): string[] {
  return [...text.matchAll(/(?:https?:|\/\/)[^\s"'<>)]*/g)].map(([url]) => url)
}
