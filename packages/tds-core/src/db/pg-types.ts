import pg from 'pg';

// OIDs of the types whose default parsing would lose exactness or shift a calendar day.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const INT8_ARRAY = 1016;
const NUMERIC_ARRAY = 1231;
const DATE_ARRAY = 1182;

const asString = (value: string) => value;
const getParser = pg.types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown;
const asStringArray = getParser(1009 /* text[] */, 'text') as (value: string) => string[];

/**
 * Per-pool type parsers: int8 and numeric always come back as strings (never floats, whatever
 * another library did to the global pg.types), date as 'YYYY-MM-DD' (a JS Date would move it to
 * local midnight), timestamptz as Date (pg's default, kept).
 */
export const tdsTypeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format === undefined || format === 'text') {
      switch (oid) {
        case INT8:
        case NUMERIC:
        case DATE:
          return asString;
        case INT8_ARRAY:
        case NUMERIC_ARRAY:
        case DATE_ARRAY:
          return asStringArray;
        default:
          break;
      }
    }
    return getParser(oid, format);
  },
} as pg.CustomTypesConfig;
