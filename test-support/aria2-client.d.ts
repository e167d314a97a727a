// Types for the npm `aria2` client (4.x ships none): only what the tests use.
declare module 'aria2' {
  import { EventEmitter } from 'node:events';
  interface Aria2Options {
    host?: string;
    port?: number;
    secure?: boolean;
    secret?: string;
    path?: string;
  }
  class Aria2 extends EventEmitter {
    constructor(options?: Aria2Options);
    open(): Promise<void>;
    close(): Promise<void>;
    call(method: string, ...params: unknown[]): Promise<any>;
    multicall(calls: unknown[][]): Promise<any[]>;
    batch(calls: unknown[][]): Promise<Promise<any>[]>;
    listMethods(): Promise<string[]>;
    listNotifications(): Promise<string[]>;
  }
  export default Aria2;
}
