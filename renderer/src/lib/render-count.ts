// Render counters for the list and its rows. The store's promise (a progress tick re-renders
// only the rows whose transfer changed) is checked by a test through these; incrementing a
// number per render costs nothing measurable.
export const renderCounts = { list: 0, rows: new Map<string, number>() };

export function countRowRender(id: string): void {
  renderCounts.rows.set(id, (renderCounts.rows.get(id) ?? 0) + 1);
}

export function resetRenderCounts(): void {
  renderCounts.list = 0;
  renderCounts.rows.clear();
}
