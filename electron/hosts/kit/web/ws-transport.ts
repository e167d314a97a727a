// The wire (shared/wire/) over a WebSocket of the `ws` package: one message per text frame. The
// headless host serves its UIs over it; tests and benchmarks use it as clients of the same host.
import WebSocket from 'ws';
import type { MessageTransport } from '../../../../shared/wire/transport';

export function webSocketTransport(socket: WebSocket): MessageTransport {
  return {
    send(text) {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    onMessage(listener) {
      const onFrame = (data: WebSocket.RawData, isBinary: boolean) => {
        if (!isBinary) listener(data.toString());
      };
      socket.on('message', onFrame);
      return () => void socket.off('message', onFrame);
    },
    onUnreadable(listener) {
      const onFrame = (_data: WebSocket.RawData, isBinary: boolean) => {
        if (isBinary) listener('Messages must be JSON text');
      };
      socket.on('message', onFrame);
      return () => void socket.off('message', onFrame);
    },
    onClose(listener) {
      // 'error' is followed by 'close' in ws, but either is the end: the listener hears it once.
      let heard = false;
      const once = () => {
        if (heard) return;
        heard = true;
        off();
        listener();
      };
      const off = () => {
        socket.off('close', once);
        socket.off('error', once);
      };
      socket.on('close', once);
      socket.on('error', once);
      if (socket.readyState === WebSocket.CLOSED) queueMicrotask(once);
      return off;
    },
    close(why) {
      // 1013 "try again later": the UI reconnects and takes a fresh snapshot.
      socket.close(1013, why);
    },
    bufferedBytes: () => socket.bufferedAmount,
  };
}
