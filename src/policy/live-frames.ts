// Frames that each carry the full state (entitlements), sent to a socket that may read slowly:
// at most one frame is on its way at a time and only the latest waiting one is kept (an older
// state is worth nothing once a newer exists), and a socket whose unsent data still passes a
// limit is cut. Shared by the local server's hub and the gateway's relay (any `ws`-like socket).

/** The part of a `ws` WebSocket this needs. */
export interface FrameSocket {
  readonly readyState: number;
  /** Bytes queued and not yet handed to the network. */
  readonly bufferedAmount: number;
  send(data: string | Uint8Array, options: { binary: boolean }, callback: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** Unsent bytes beyond which a socket is cut (a frame is a few hundred bytes to a few KiB). */
export const MAX_BUFFERED_BYTES = 256 * 1024;
const OPEN = 1;

export interface FrameSender {
  /** Sends `frame` now, or keeps it as the one to send once the previous frame went out. */
  send(frame: string | Uint8Array): void;
  /** Whether a frame is still on its way (a heartbeat then says nothing new). */
  readonly busy: boolean;
  /** Sends the frame still waiting, if any, then closes: the last state is never dropped. */
  close(code: number, reason: string): void;
}

export function latestFrameSender(socket: FrameSocket, maxBufferedBytes = MAX_BUFFERED_BYTES): FrameSender {
  let sending = false;
  let waiting: string | Uint8Array | undefined;

  const write = (frame: string | Uint8Array) => {
    sending = true;
    socket.send(frame, { binary: false }, (error) => {
      sending = false;
      const next = waiting;
      waiting = undefined;
      if (!error && next !== undefined && socket.readyState === OPEN) write(next);
    });
  };

  return {
    get busy() {
      return sending;
    },
    send(frame) {
      if (socket.readyState !== OPEN) return;
      if (socket.bufferedAmount > maxBufferedBytes) {
        // It stopped reading and what it has not read is already too much: cut it (a close
        // frame could not get through either); its client reconnects and reads the present.
        socket.terminate();
        return;
      }
      if (sending) waiting = frame;
      else write(frame);
    },
    close(code, reason) {
      if (waiting !== undefined && socket.readyState === OPEN) socket.send(waiting, { binary: false }, () => {});
      waiting = undefined;
      socket.close(code, reason);
    },
  };
}
