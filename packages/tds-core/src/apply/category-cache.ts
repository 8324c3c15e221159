/** Zoho category id → our categories.id and the name last written, so most products skip the category upsert. */
export class CategoryCache {
  private readonly entries = new Map<string, { id: string; name: string }>();

  constructor(private readonly maxEntries = 10_000) {}

  get(zohoCategoryId: string): { id: string; name: string } | undefined {
    return this.entries.get(zohoCategoryId);
  }

  set(zohoCategoryId: string, entry: { id: string; name: string }): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(zohoCategoryId)) this.entries.clear();
    this.entries.set(zohoCategoryId, entry);
  }

  clear(): void {
    this.entries.clear();
  }
}
