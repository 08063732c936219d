/** An API-response-like document: `items` records of nested objects, arrays, strings and numbers. */
export function makeDocument(items: number): { generatedAt: string; items: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = []
  for (let i = 0; i < items; i++) {
    records.push({
      id: i,
      sku: `SKU-${String(i).padStart(6, '0')}`,
      name: `Item number ${i}`,
      price: Math.round(i * 137.3) / 100,
      tags: ['catalog', `group-${i % 17}`, i % 2 === 0 ? 'even' : 'odd'],
      stock: { warehouse: i % 5, count: (i * 7919) % 1000, reserved: i % 3 === 0 },
      updatedAt: new Date(1_700_000_000_000 + i * 60_000).toISOString(),
    })
  }
  return { generatedAt: new Date(1_700_000_000_000).toISOString(), items: records }
}

/** What a handler usually wants out of the document: a few numbers, not the whole tree. */
export function summarize(document: { items: { price: number; stock: { count: number } }[] }): {
  items: number
  stockValue: number
} {
  let stockValue = 0
  for (const item of document.items) stockValue += item.price * item.stock.count
  return { items: document.items.length, stockValue: Math.round(stockValue) }
}
