// undici has no exports map and ships no declarations for its internal paths; these are the
// two deep imports we use (see node.ts for why), typed with the public types.
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolClass: typeof Pool;
  export default PoolClass;
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher, Pool } from 'undici';
  const request: (
    this: Pool,
    options: Dispatcher.RequestOptions,
  ) => Promise<Dispatcher.ResponseData>;
  export default request;
}
