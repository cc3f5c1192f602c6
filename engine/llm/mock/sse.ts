import { setTimeout as sleepMs } from 'node:timers/promises';

interface SseInput {
  id: string;
  model: string;
  text: string;
  usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
  stopReason: string;
  ttftMs: number;
  interTokenMs: number;
  tokensPerChunk: number;
  /** Called once when the stream has sent its last frame or the reader cancelled it. */
  onEnd?: () => void;
}

const encoder = new TextEncoder();

function frame(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * The Messages API streaming event sequence (message_start, content_block_*, message_delta with
 * the final usage, message_stop) with time to first token before the first delta and an
 * inter-token delay per chunk.
 */
export function anthropicSse(input: SseInput): ReadableStream<Uint8Array> {
  const words = input.text.split(' ');
  const wordsPerChunk = Math.max(1, Math.round(input.tokensPerChunk * 0.75));
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) {
    chunks.push((i === 0 ? '' : ' ') + words.slice(i, i + wordsPerChunk).join(' '));
  }
  let step = -1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      step++;
      if (step === 0) {
        controller.enqueue(
          frame('message_start', {
            type: 'message_start',
            message: {
              id: input.id,
              type: 'message',
              role: 'assistant',
              model: input.model,
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { ...input.usage, output_tokens: 1 },
            },
          }),
        );
        controller.enqueue(
          frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
        );
        if (input.ttftMs >= 0.5) await sleepMs(input.ttftMs);
        return;
      }
      const chunk = chunks[step - 1];
      if (chunk !== undefined) {
        if (step > 1 && input.interTokenMs * input.tokensPerChunk >= 0.5) await sleepMs(input.interTokenMs * input.tokensPerChunk);
        controller.enqueue(
          frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: chunk } }),
        );
        return;
      }
      controller.enqueue(frame('content_block_stop', { type: 'content_block_stop', index: 0 }));
      controller.enqueue(
        frame('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: input.stopReason, stop_sequence: null },
          usage: { output_tokens: input.usage.output_tokens },
        }),
      );
      controller.enqueue(frame('message_stop', { type: 'message_stop' }));
      controller.close();
      input.onEnd?.();
    },
    cancel() {
      input.onEnd?.();
    },
  });
}
