/**
 * Price list names are compared trimmed and case-insensitively ("consumer price list " matches
 * "Consumer Price List"), because they are typed by people in Zoho's UI and in our configuration.
 * Inner whitespace and accents are significant.
 */
export function normalizePriceListName(name: string): string {
  return name.trim().toLowerCase();
}
