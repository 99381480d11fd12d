// src/policy/live-frames.ts with a socket whose writes complete only when the test says so: a
// simulated slow reader (the server-side behaviour is in server-live-limits.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestFrameSender, type FrameSocket } from '../../src/policy/live-frames.ts';

/** Simulated fault: a peer that reads only when `drain()` is called. */
function slowSocket() {
  const written: string[] = [];
  const callbacks: ((error?: Error) => void)[] = [];
  const events: string[] = [];
  const socket: FrameSocket & { readyState: number; bufferedAmount: number } = {
    readyState: 1,
    bufferedAmount: 0,
    send(data, _options, callback) {
      written.push(String(data));
      callbacks.push(callback);
    },
    close(code, reason) {
      events.push(`close ${code} ${reason}`);
      socket.readyState = 2;
    },
    terminate() {
      events.push('terminate');
      socket.readyState = 3;
    },
  };
  return { socket, written, events, drain: () => callbacks.shift()?.() };
}

describe('policy/live-frames', () => {
  it('simulated fault: while a frame is on its way only the latest waiting one is kept, then sent', () => {
    const peer = slowSocket();
    const sender = latestFrameSender(peer.socket);
    sender.send('1');
    sender.send('2');
    sender.send('3');
    assert.deepEqual(peer.written, ['1']);
    peer.drain();
    assert.deepEqual(peer.written, ['1', '3'], 'frame 2 was replaced by 3');
    peer.drain();
    sender.send('4');
    assert.deepEqual(peer.written, ['1', '3', '4'], 'a drained socket gets the next frame at once');
  });

  it('simulated fault: close sends the frame still waiting, then closes', () => {
    const peer = slowSocket();
    const sender = latestFrameSender(peer.socket);
    sender.send('state');
    sender.send('revoked');
    sender.close(4404, 'customer deleted');
    assert.deepEqual(peer.written, ['state', 'revoked']);
    assert.deepEqual(peer.events, ['close 4404 customer deleted']);
    peer.drain();
    assert.deepEqual(peer.written, ['state', 'revoked'], 'nothing more after the close');
  });

  it('simulated fault: a socket with more unsent bytes than the limit is cut, not written to', () => {
    const peer = slowSocket();
    const sender = latestFrameSender(peer.socket, 1000);
    sender.send('a');
    peer.socket.bufferedAmount = 1001;
    sender.send('b');
    assert.deepEqual(peer.events, ['terminate']);
    assert.deepEqual(peer.written, ['a']);
    sender.send('c');
    assert.deepEqual(peer.written, ['a'], 'nothing goes to a closed socket');
  });
});
