// The express4 alias (npm:express@4, for the Express 4 host test) has no types of its own:
// the tests use it only where any Express app fits, so it is typed as the Express they compile against.
declare module 'express4' {
  import express from 'express';
  export default express;
}
