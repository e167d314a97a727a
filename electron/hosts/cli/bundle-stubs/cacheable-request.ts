// Stands in for got's `cacheable-request` in the CLI bundle only (bin/ferry.js aliases it). got
// creates one only for requests with a `cache` option, which Ferry never sets (a download manager
// must fetch the bytes, not a cached copy); the real module and its dependencies cost start-up time.
export class CacheError extends Error {}

export default class CacheableRequest {
  constructor() {
    throw Object.assign(new Error('HTTP caching is not part of the ferry command-line build'), { code: 'EUNSUPPORTED' });
  }
}
