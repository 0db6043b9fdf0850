import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createProgress, examples, withProgress } from './output.js';

function fakeStream(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string } {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  }) as Writable & { isTTY: boolean; columns: number; text: () => string; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  stream.isTTY = isTTY;
  stream.columns = 120;
  stream.cursorTo = () => true;
  stream.clearLine = () => true;
  stream.moveCursor = () => true;
  stream.text = () => written;
  return stream;
}

describe('createProgress', () => {
  it('draws a bar on a terminal', () => {
    const stream = fakeStream(true);
    const progress = createProgress('Re-encrypting', 4, { stream });
    progress.increment(2);
    progress.stop();
    expect(stream.text()).toContain('Re-encrypting');
  });

  it('stays silent when the stream is not a terminal', () => {
    const stream = fakeStream(false);
    const progress = createProgress('Backing up', 10, { stream });
    progress.increment();
    progress.stop();
    expect(stream.text()).toBe('');
  });

  it('stays silent with --json', () => {
    const stream = fakeStream(true);
    const progress = createProgress('Exporting', 10, { stream, json: true });
    progress.increment();
    progress.stop();
    expect(stream.text()).toBe('');
  });

  it('stops the bar when the work throws', async () => {
    const stream = fakeStream(true);
    const failing = withProgress('Restoring', 3, { stream }, async (progress) => {
      progress.increment();
      throw new Error('disk full');
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(stream.text()).toContain('Restoring');
  });
});

describe('examples', () => {
  it('indents each example under a heading', () => {
    expect(examples('masala doctor', 'masala doctor --json')).toBe('\nExamples:\n  masala doctor\n  masala doctor --json');
  });
});
