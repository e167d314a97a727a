// What the wire needs from whatever carries it (a WebSocket, a socket with one JSON message per
// line, an in-memory pair in tests): whole messages as text in both directions, and word of the end.
// VS Code's IMessagePassingProtocol is the model. Each carrier's adapter is a few lines; the
// contract's server and client (./contract-server.ts, ./contract-client.ts) know nothing else of it.

export interface MessageTransport {
  /** Sends one message. A transport that is closed drops it. */
  send(text: string): void;
  /** Every message received, in order. Returns a function that stops the listener. */
  onMessage(listener: (text: string) => void): () => void;
  /** Once, when the connection ended (either side, or an error). Returns a function that stops the listener. */
  onClose(listener: () => void): () => void;
  /** Ends the connection; `why` goes to the peer where the carrier can say it. */
  close(why?: string): void;
  /** Bytes sent but not yet taken by the peer, where the carrier knows (back-pressure). */
  bufferedBytes?(): number;
  /** A frame that carries no message (binary, too long), with why: a host answers it with an error reply. */
  onUnreadable?(listener: (why: string) => void): () => void;
}
