/** A core result as the dashboard receives it over HTTP: JSON turns every Date into an ISO string. */
export type OverHttp<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Array<OverHttp<U>>
    : T extends object
      ? { [K in keyof T]: OverHttp<T[K]> }
      : T;
