/** The closing text of `tds demo`. */
export function nextStepsText(details: { dataDir: string | undefined; webhooks: number; forged: number }): string {
  return `What just happened
  1. A local stand-in for Zoho Books + Inventory started (the sandbox): real OAuth refresh, paging of
     200 rows, rate-limit headers and 429s, Zoho's timestamp and number quirks, signed webhooks.
  2. TDS opened ${details.dataDir ? `an embedded PostgreSQL (data in ${details.dataDir})` : 'the PostgreSQL database of --database-url'} and created its tables.
  3. A full sync copied products (Arabic + English names, consumer and wholesale prices), stock per
     location, customers, invoices and bills with their lines, and price lists into PostgreSQL.
  4. Records then changed in "Zoho", and ${details.webhooks} signed webhooks announced them. Each was stored
     durably (webhook inbox + queue, one transaction) before the HTTP answer, then applied by workers.
  5. ${details.forged} forged webhooks (wrong or missing signature) were refused with 401 and stored nothing.
  6. The healer checked for stuck locks and failed items, and the status report summed it all up.

Next steps
  - Look around: tds --help, and the README (environment, CLI and HTTP reference, operations).
  - Point TDS at your Zoho organization: create a self-client, put ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET,
    ZOHO_REFRESH_TOKEN and ZOHO_ORGANIZATION_ID in .env (README: "Connecting to real Zoho"), then
      tds migrate && tds sync all --full && tds serve
  - Or keep playing locally, in two terminals:
      tds sandbox --requests-per-minute 1000 --webhooks-to http://127.0.0.1:3000 > .env
      tds migrate && tds sync all --full && tds serve`;
}
