// The body of an upstream chat answer: fed by the dispatch handler in dispatch-request.ts, read by
// exactly one consumer, either the relay (`consume`, one callback per chunk) or a capped reader
// (`for await`). It stands in for undici's Readable because the stream machinery (buffer state,
// events, async-resource scopes) cost ~25 µs per proxied request (about 15 %) in a same-run
// comparison of two pass-throughs, one of the largest single shares of the gateway's CPU at `off`.
// Chunks that arrive before the consumer attaches, or while it is paused, are queued (headers and
// the first body bytes often come in one socket read); past QUEUE_PAUSE bytes the request is
// paused. Pause and resume act on the request only while it runs: undici's resume after the end
// would resume the parser of whatever request uses the connection next.
import { abortedError } from './abort.js';

/** What the body drives on the request: undici's DispatchController. */
export interface FlowControl {
  pause(): void;
  resume(): void;
  abort(reason: Error): void;
}

export interface BodyConsumer {
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
}

/** Bytes held for a consumer that is not reading (not attached yet, or an iterator not awaited). */
const QUEUE_PAUSE = 64 * 1024;

export class UpstreamBody implements AsyncIterable<Buffer> {
  private consumer: BodyConsumer | null = null;
  /** chunks not yet handed to the consumer (not attached, or paused), in order */
  private queue: Buffer[] = [];
  private queued = 0;
  /** the request was paused because too much sat in the queue */
  private queueFull = false;
  /** how the upstream side ended: 'ended', its error, or null while it is still sending */
  private outcome: 'ended' | Error | null = null;
  /** the consumer has been told how it ended, or the body was destroyed: nothing more is delivered */
  private finished = false;
  private destroyedWith: Error | undefined;
  private consumerPaused = false;
  private delivering = false;

  constructor(private readonly flow: FlowControl) {}

  /** Flow control acts on the request only while it is running: after its end the connection may already carry another request. */
  private get running(): boolean {
    return this.outcome === null && !this.finished;
  }

  // ---- producer side (the dispatch handler) ----

  push(chunk: Buffer): void {
    if (this.finished) return;
    if (this.consumer && !this.consumerPaused && !this.delivering && this.queue.length === 0) return this.consumer.data(chunk);
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.queued > QUEUE_PAUSE && !this.queueFull) {
      this.queueFull = true;
      this.flow.pause();
    }
  }

  end(): void {
    this.settle('ended');
  }

  fail(err: Error): void {
    this.settle(err);
  }

  private settle(outcome: 'ended' | Error): void {
    if (!this.running) return;
    this.outcome = outcome;
    this.deliver();
  }

  /** Hands queued chunks to an attached, unpaused consumer; then, with the queue empty, the end or error. */
  private deliver(): void {
    const consumer = this.consumer;
    if (!consumer || this.delivering) return;
    this.delivering = true;
    try {
      while (this.queue.length && !this.consumerPaused && !this.finished) {
        const chunk = this.queue.shift()!;
        this.queued -= chunk.length;
        consumer.data(chunk);
      }
    } finally {
      this.delivering = false;
    }
    if (this.finished || this.queue.length) return;
    if (this.outcome) {
      this.finished = true;
      if (this.outcome === 'ended') consumer.end();
      else consumer.error(this.outcome);
    } else if (this.queueFull && !this.consumerPaused) {
      this.queueFull = false;
      this.flow.resume();
    }
  }

  // ---- consumer side ----

  /** Attaches the one consumer: queued chunks first, then each chunk as it arrives, then end or error. */
  consume(consumer: BodyConsumer): void {
    if (this.consumer) throw new Error('the upstream body is already being read');
    this.consumer = consumer;
    // destroyed before anyone read it: reading it now fails like reading a destroyed stream
    if (this.finished) return consumer.error(this.destroyedWith ?? abortedError());
    this.deliver();
  }

  /** No chunk reaches the consumer until resume(); the request is paused too. */
  pause(): void {
    if (this.consumerPaused) return;
    this.consumerPaused = true;
    if (this.running) this.flow.pause();
  }

  resume(): void {
    if (!this.consumerPaused) return;
    this.consumerPaused = false;
    this.deliver();
    if (this.running && !this.consumerPaused && !this.queueFull) this.flow.resume();
  }

  /**
   * Stops reading: the upstream request is aborted (its connection dropped) unless it had already
   * ended. With `err`, the consumer's `error` gets it on the next tick, as a Readable's
   * destroy(err) emits it: a consumer that destroys from inside its `data` callback finishes that
   * callback first.
   */
  destroy(err?: Error): void {
    if (this.finished) return;
    const wasRunning = this.running;
    this.finished = true;
    this.destroyedWith = err;
    this.queue = [];
    if (wasRunning) this.flow.abort(err ?? abortedError());
    const consumer = this.consumer;
    if (err && consumer) process.nextTick(() => consumer.error(err));
  }

  /** Chunks in order; throws the upstream's error after the chunks that came before it. Leaving the loop early destroys the body. */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    // The iterator keeps its own few chunks (up to QUEUE_PAUSE) rather than pausing the request
    // after every chunk: a streamed answer read with for-await would pause and resume undici's
    // parser once per event.
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    this.consume({
      data: (chunk) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > QUEUE_PAUSE && !this.consumerPaused) this.pause();
        notify();
      },
      end: () => {
        ended = true;
        notify();
      },
      error: (err) => {
        failure = err;
        notify();
      },
    });
    return {
      next: async (): Promise<IteratorResult<Buffer>> => {
        for (;;) {
          const chunk = chunks.shift();
          if (chunk) {
            size -= chunk.length;
            if (this.consumerPaused && size <= QUEUE_PAUSE / 2) this.resume();
            return { value: chunk, done: false };
          }
          if (failure) throw failure;
          if (ended) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
      return: async (): Promise<IteratorResult<Buffer>> => {
        this.destroy();
        return { value: undefined, done: true };
      },
    };
  }
}
