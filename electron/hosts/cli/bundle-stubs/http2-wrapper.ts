// Stands in for got's `http2-wrapper` in the CLI bundle only (bin/ferry.js aliases it). got
// touches it only for requests made with `http2: true`, which Ferry never makes; loading the real
// one (and node:http2) costs every `ferry get` start-up time. Used anyway, it fails in words.
function unavailable(): never {
  throw Object.assign(new Error('HTTP/2 is not part of the ferry command-line build'), { code: 'EUNSUPPORTED' });
}

export default {
  get globalAgent(): never {
    return unavailable();
  },
  get auto(): never {
    return unavailable();
  },
};
